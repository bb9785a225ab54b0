using AgNas.Autograd;
using AgNas.Autograd.Modules;
using AgNas.Search.Data;
using AgNas.Tensors.Memory;

namespace AgNas.Search.Runs;

/// <summary>
/// Re-estimates every BatchNorm2d's running statistics of a supernet before it is evaluated (<c>agnas search --bn-recalibrate N</c>):
/// the statistics are reset and averaged over the first N batches of the epoch's training order, forwarded in training mode without
/// gradients and with no weight changed. During a search the running statistics, updated with momentum 0.1 while the weights move, do not
/// describe the supernet, so the validation accuracy and the attention collected with them mislead (one-shot NAS practice, e.g. SPOS and
/// ProxylessNAS's re-calibration before evaluating a sub-network). The batches are a function of the epoch, so resumed runs repeat them.
/// </summary>
public static class BatchNormRecalibration
{
    /// <summary>Recalibrates <paramref name="net"/> on up to <paramref name="batches"/> batches of <paramref name="loader"/>'s epoch <paramref name="epoch"/> − 1; false when cancelled (the statistics are then partly re-estimated).</summary>
    /// <returns>True when done; false when cancelled.</returns>
    public static bool Run(Module net, DataLoader loader, int epoch, int batches, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(loader);
        if (batches <= 0) return true;
        var norms = net.NamedModules().Select(m => m.Module).OfType<BatchNorm2d>().ToList();
        bool wasTraining = net.IsTraining;
        foreach (var bn in norms) bn.BeginRecalibration();
        net.Train();
        try
        {
            using var noGrad = GradMode.NoGrad();
            int done = 0;
            foreach (var batch in loader.Epoch(epoch - 1))
            {
                using (batch)
                {
                    if (cancellation.IsCancellationRequested) return false;
                    using var scope = TensorScope.Begin();
                    net.Forward(new Var(batch.Images));
                }
                if (++done == batches) break;
            }
            return true;
        }
        finally
        {
            foreach (var bn in norms) bn.EndRecalibration();
            net.Train(wasTraining);
        }
    }
}
