namespace AgNas.Search.Data;

/// <summary>
/// The weights of one axis of <see cref="BilinearResampler"/>: output i reads input pixels
/// First[i] .. First[i] + Count[i] − 1 with <see cref="WeightsOf"/>(i), which sum to 1.
/// With scale s = inSize / outSize and support r = max(s, 1): centre = (i + 0.5)·s,
/// First = max(⌊centre − r + 0.5⌋, 0), end = min(⌊centre + r + 0.5⌋, inSize), and input j weighs
/// tri((j + 0.5 − centre) / r) before normalisation (the triangle filter of PIL's and aten's
/// antialiased bilinear resampling, re-derived from that definition).
/// </summary>
public sealed class AxisTaps
{
    private readonly float[] _weights;
    private readonly int _stride;

    private AxisTaps(int[] first, int[] count, float[] weights, int stride)
    {
        First = first;
        Count = count;
        _weights = weights;
        _stride = stride;
    }

    public int[] First { get; }
    public int[] Count { get; }

    /// <summary>The normalised weights of output <paramref name="i"/>, Count[i] of them.</summary>
    public ReadOnlySpan<float> WeightsOf(int i) => _weights.AsSpan(i * _stride, Count[i]);

    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public static AxisTaps Compute(int inSize, int outSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outSize);
        double scale = (double)inSize / outSize;
        double support = Math.Max(scale, 1.0);
        double inverse = 1.0 / support;
        int stride = (int)Math.Ceiling(2 * support) + 1;
        var first = new int[outSize];
        var count = new int[outSize];
        var weights = new float[outSize * stride];
        Span<double> w = stackalloc double[stride];
        for (int i = 0; i < outSize; i++)
        {
            double centre = (i + 0.5) * scale;
            int lo = Math.Max((int)Math.Floor(centre - support + 0.5), 0);
            int hi = Math.Min((int)Math.Floor(centre + support + 0.5), inSize);
            int n = hi - lo;
            double sum = 0;
            for (int k = 0; k < n; k++)
            {
                double x = Math.Abs((lo + k + 0.5 - centre) * inverse);
                w[k] = x < 1 ? 1 - x : 0;
                sum += w[k];
            }
            first[i] = lo;
            count[i] = n;
            for (int k = 0; k < n; k++) weights[i * stride + k] = (float)(sum > 0 ? w[k] / sum : 0);
        }
        return new AxisTaps(first, count, weights, stride);
    }
}
