using System.Text.Json;

namespace AgNas.Search.Tests.Data.Augment;

/// <summary>
/// The torchvision reference outputs in RefData/colour.json and RefData/resize.json (made once by
/// Data/RefData/make_augment_refdata.py with Debian's torch 1.13 / torchvision 0.14).
/// </summary>
public sealed class TorchvisionCases
{
    private readonly JsonElement _root;

    private TorchvisionCases(JsonElement root) => _root = root;

    public static TorchvisionCases Load(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "RefData", name + ".json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return new TorchvisionCases(doc.RootElement.Clone());
    }

    public (int[] Shape, float[] Data) Input(string name) => Tensor(_root.GetProperty("inputs").GetProperty(name));

    public IEnumerable<JsonElement> Cases => _root.GetProperty("cases").EnumerateArray();

    public JsonElement Case(string name) =>
        Cases.Single(c => c.TryGetProperty("name", out var n) && n.GetString() == name);

    public static (int[] Shape, float[] Data) Tensor(JsonElement e) =>
        (e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray(),
         e.GetProperty("data").EnumerateArray().Select(d => d.GetSingle()).ToArray());

    /// <summary>|actual − expected| ≤ atol + rtol·|expected| everywhere; otherwise the max difference, its index and the first 5 mismatches.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double atol, double rtol, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}.");
        double worst = 0;
        int worstAt = -1;
        var bad = new List<string>();
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs(actual[i] - (double)expected[i]);
            if (d > worst)
            {
                worst = d;
                worstAt = i;
            }
            if (d > atol + rtol * Math.Abs(expected[i]) && bad.Count < 5) bad.Add($"[{i}] {actual[i]} vs {expected[i]}");
        }
        Assert.True(bad.Count == 0, $"{what}: max |diff| {worst:g3} at {worstAt}; first mismatches: {string.Join(", ", bad)}");
    }
}
