using System.Text.Json;
using AgNas.Tensors;

namespace AgNas.Tests;

/// <summary>One reference case computed by PyTorch (see RefData/*.json, copied from shared/reference/torch-refdata).</summary>
public sealed class RefCase
{
    private readonly JsonElement _root;

    private RefCase(JsonElement root) => _root = root;

    public static RefCase Load(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "RefData", name + ".json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return new RefCase(doc.RootElement.Clone());
    }

    public JsonElement Config => _root.GetProperty("config");

    /// <summary>A tensor from a section ("inputs", "params", "outputs", "grads", "grad_output", ...).</summary>
    public (Shape Shape, float[] Data) Get(string section, string name)
    {
        var e = _root.GetProperty(section).GetProperty(name);
        var shape = new Shape(e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray());
        var data = e.GetProperty("data").EnumerateArray().Select(d => d.GetSingle()).ToArray();
        return (shape, data);
    }

    public Tensor ToTensor(string section, string name, IBackend backend)
    {
        var (shape, data) = Get(section, name);
        return AgNas.Tensors.Tensor.FromArray(data, shape, backend);
    }

    public Tensor Labels(string section, string name, IBackend backend)
    {
        var (shape, data) = Get(section, name);
        return AgNas.Tensors.Tensor.FromArray(data.Select(v => (int)v).ToArray(), shape, backend);
    }
}
