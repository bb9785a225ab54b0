using AgNas.Autograd;
using AgNas.Autograd.Modules;
using AgNas.Autograd.Optim;
using AgNas.Tensors;
using AgNas.Tensors.Memory;

namespace AgNas.Search.Runs;

/// <summary>
/// The architecture step of first-order DARTS (Liu et al., ICLR 2019, Sec. 2.3 with ξ = 0; quark0/darts
/// <c>cnn/architect.py</c> with unrolled off), run on one validation batch before every weight step:
/// inside its own <see cref="TensorScope"/>, clear every gradient of the network, forward in the
/// network's current mode (training, as DARTS' train() loop runs it: batch norm normalises with the
/// batch's statistics and updates its running ones with them), mean cross-entropy, stop if it is not
/// finite, backward, and one Adam step of α alone. The weights' gradients that the backward also
/// produces are never applied: the weight step clears them before its own backward.
/// <para>Hyper-parameters are DARTS' published ones (<c>train_search.py</c>: arch_learning_rate 3e-4,
/// arch_weight_decay 1e-3, Adam betas (0.5, 0.999)), also those of NAS-Bench-201's DARTS-V1 config;
/// the learning rate is constant (no schedule), and α's gradient is not clipped.</para>
/// </summary>
public sealed class AlphaStep : IDisposable
{
    public const float LearningRate = 3e-4f;
    public const float Beta1 = 0.5f;
    public const float Beta2 = 0.999f;
    public const float WeightDecay = 1e-3f;
    public const float Eps = 1e-8f;

    private readonly Module _net;

    /// <param name="net">The supernet (images (B, C, H, W) → logits (B, classes)).</param>
    /// <param name="alphas">Its α parameters with their names in the network (the names key the optimiser's saved state).</param>
    /// <exception cref="ArgumentException">No α given.</exception>
    public AlphaStep(Module net, IEnumerable<(string Name, Parameter Param)> alphas)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(alphas);
        var list = alphas.ToList();
        if (list.Count == 0) throw new ArgumentException("AlphaStep: no architecture parameters given.", nameof(alphas));
        _net = net;
        Optimizer = new Adam(list, LearningRate, Beta1, Beta2, Eps, WeightDecay);
    }

    /// <summary>The α optimiser (its state goes into the run folder).</summary>
    public Adam Optimizer { get; }

    /// <summary>One step on a validation batch: images (B, C, H, W), labels (B) int32.</summary>
    /// <param name="images">The batch's images.</param>
    /// <param name="labels">Their labels.</param>
    /// <param name="loss">The batch's mean cross-entropy before the update.</param>
    /// <returns>False when the loss is not finite; nothing was updated then.</returns>
    public bool TryStep(Tensor images, Tensor labels, out float loss)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = TensorScope.Begin();
        _net.ZeroGrad();
        var lossVar = Functional.CrossEntropy(_net.Forward(new Var(images)), labels);
        loss = lossVar.Data.Item();
        if (!float.IsFinite(loss)) return false;
        lossVar.Backward();
        Optimizer.Step();
        return true;
    }

    public void Dispose() => Optimizer.Dispose();
}
