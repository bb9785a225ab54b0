using AgNas.Autograd;
using AgNas.Autograd.Modules;
using AgNas.Tensors;

namespace AgNas.Search.Runs;

/// <summary>
/// Finds what went non-finite (NaN or ±∞) in a network, for the divergence checks of <see cref="TrainingEpoch"/> and
/// <see cref="SearchRun"/> (docs/runs.md, "Divergence"). The cheap test, <see cref="AllFinite"/>, is one float64 sum of squares
/// per backend (<see cref="IBackend.SumOfSquaresMany"/>: one host read, as gradient clipping's norm); the named search,
/// <see cref="FirstNonFinite(IEnumerable{ValueTuple{string, Tensor}})"/>, reads one flag per tensor and runs only after the cheap test has failed.
/// </summary>
public static class NonFiniteScan
{
    /// <summary>
    /// True when every element of <paramref name="tensors"/> is finite: Σx² (float64) is finite, which holds exactly when no element
    /// is NaN or ±∞ (a float32's square is below 1.2e77, so a sum of them cannot overflow a double).
    /// </summary>
    public static bool AllFinite(IReadOnlyList<Tensor> tensors) => double.IsFinite(SumOfSquares(tensors));

    /// <summary>Σx² over every element of <paramref name="tensors"/> in float64, one reduction per backend; NaN or ∞ when any element is.</summary>
    public static double SumOfSquares(IReadOnlyList<Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        double sum = 0;
        foreach (var onOneDevice in tensors.GroupBy(t => t.Backend.Allocator))
            sum += onOneDevice.First().Backend.SumOfSquaresMany(onOneDevice.ToList());
        return sum;
    }

    /// <summary>The name of the first of <paramref name="named"/> holding a NaN or ±∞ (one host flag per tensor, in order); null when all are finite.</summary>
    public static string? FirstNonFinite(IEnumerable<(string Name, Tensor Tensor)> named)
    {
        ArgumentNullException.ThrowIfNull(named);
        foreach (var (name, tensor) in named)
        {
            if (tensor.Backend.HasNonFinite(tensor)) return name;
        }
        return null;
    }

    /// <summary>
    /// The first non-finite state of <paramref name="net"/> in words: "the weight stem.weight" or "the BatchNorm running statistic
    /// cells.3.bn.running_var" (float buffers only); null when every parameter and float buffer is finite.
    /// </summary>
    public static string? FirstNonFiniteState(Module net)
    {
        ArgumentNullException.ThrowIfNull(net);
        if (FirstNonFinite(net.NamedParameters().Select(p => (p.Name, p.Param.Data))) is { } weight) return $"the weight {weight}";
        if (FirstNonFinite(FloatBuffers(net)) is { } buffer) return $"the {BufferNoun(buffer)} {buffer}";
        return null;
    }

    /// <summary>Every float32 buffer of <paramref name="net"/> (BatchNorm's running mean and variance; not its batch counter).</summary>
    public static IEnumerable<(string Name, Tensor Tensor)> FloatBuffers(Module net)
    {
        ArgumentNullException.ThrowIfNull(net);
        return net.NamedBuffers().Where(b => b.Buffer.DType == DType.Float32);
    }

    /// <summary>The first (vector, index) of <paramref name="vectors"/> holding a NaN or ±∞; null when all are finite.</summary>
    public static (int Vector, int Index)? FirstNonFiniteValue(IReadOnlyList<double[]> vectors)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        for (int v = 0; v < vectors.Count; v++)
        {
            for (int i = 0; i < vectors[v].Length; i++)
            {
                if (!double.IsFinite(vectors[v][i])) return (v, i);
            }
        }
        return null;
    }

    private static string BufferNoun(string name) =>
        name.EndsWith("running_mean", StringComparison.Ordinal) || name.EndsWith("running_var", StringComparison.Ordinal)
            ? "BatchNorm running statistic" : "buffer";
}
