namespace AgNas.Tests;

/// <summary>
/// Element-wise comparison |actual − expected| ≤ atol + rtol·|expected|. On failure the message
/// gives the max abs difference, its index and the first five mismatches.
/// </summary>
public static class Approx
{
    public static void Equal(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double atol = 1e-5, double rtol = 1e-5, string what = "values")
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, got {actual.Length}");
        double maxDiff = 0;
        int maxAt = -1;
        var bad = new List<string>();
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i], d = Math.Abs(a - e);
            if (double.IsNaN(a) != double.IsNaN(e) || d > maxDiff) { maxDiff = double.IsNaN(d) ? double.PositiveInfinity : d; maxAt = i; }
            if (!(d <= atol + rtol * Math.Abs(e)) && bad.Count < 5) bad.Add($"[{i}] expected {e:G9} got {a:G9} (diff {d:G3})");
        }
        Assert.True(bad.Count == 0,
            $"{what}: max abs diff {maxDiff:G3} at index {maxAt} exceeds atol {atol:G3} + rtol {rtol:G3}·|expected|; first mismatches: {string.Join("; ", bad)}");
    }
}
