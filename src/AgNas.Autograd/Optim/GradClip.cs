using System.Runtime.InteropServices;

namespace AgNas.Autograd.Optim;

/// <summary>Gradient clipping as torch.nn.utils.clip_grad_norm_ and clip_grad_value_. Parameters with a null gradient are skipped.</summary>
public static class GradClip
{
    /// <summary>
    /// Scales every gradient by maxNorm/(‖g‖ + 1e-6) when that factor is below 1, where ‖g‖ is the
    /// L2 norm of all the gradients together (summed in float64 on each backend; one host read per
    /// backend, <see cref="AgNas.Tensors.IBackend.SumOfSquaresMany"/>). Returns ‖g‖ before clipping. A non-finite norm makes the gradients NaN, as in
    /// PyTorch, unless <paramref name="errorIfNonFinite"/> asks for an exception.
    /// </summary>
    /// <exception cref="ArgumentException">maxNorm is negative or NaN.</exception>
    /// <exception cref="InvalidOperationException">The norm is not finite and <paramref name="errorIfNonFinite"/> is true.</exception>
    public static double ClipGradNorm(IEnumerable<Parameter> parameters, double maxNorm, bool errorIfNonFinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm >= 0)) throw new ArgumentException($"ClipGradNorm: max norm = {maxNorm}; expected >= 0.");
        var grads = parameters.Select(p => p.Grad).OfType<AgNas.Tensors.Tensor>().ToList();
        double sumSq = 0;
        foreach (var onOneDevice in grads.GroupBy(g => g.Backend.Allocator))
            sumSq += onOneDevice.First().Backend.SumOfSquaresMany(onOneDevice.ToList());
        double norm = Math.Sqrt(sumSq);
        if (!double.IsFinite(norm) && errorIfNonFinite)
            throw new InvalidOperationException($"ClipGradNorm: the total gradient norm is {norm}; the gradients cannot be clipped.");
        double coef = maxNorm / (norm + 1e-6);
        if (!(coef >= 1.0)) // also true for NaN, which then propagates like PyTorch's clamp(coef, max=1)
        {
            foreach (var g in grads) g.Backend.Scale(g, g, (float)coef);
        }
        return norm;
    }

    /// <summary>
    /// Clamps every gradient element to [−clip, clip]. There is no clamp kernel in IBackend yet, so
    /// each gradient makes a round trip through host memory (a device sync per parameter on CUDA).
    /// </summary>
    /// <exception cref="ArgumentException">clip is negative or NaN.</exception>
    public static void ClipGradValue(IEnumerable<Parameter> parameters, float clip)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(clip >= 0f)) throw new ArgumentException($"ClipGradValue: clip = {clip}; expected >= 0.");
        foreach (var p in parameters)
        {
            var g = p.Grad;
            if (g is null) continue;
            var host = g.ToArray();
            for (int i = 0; i < host.Length; i++) host[i] = Math.Clamp(host[i], -clip, clip);
            g.Backend.CopyFromHost(g, MemoryMarshal.AsBytes(host.AsSpan()));
        }
    }
}
