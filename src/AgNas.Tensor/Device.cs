namespace AgNas.Tensors;

public enum DeviceType
{
    Cpu,
    Cuda,
}

/// <summary>A compute device: <c>cpu</c> or <c>cuda:N</c>.</summary>
public readonly record struct Device(DeviceType Type, int Index = 0)
{
    public static readonly Device Cpu = new(DeviceType.Cpu);

    /// <summary>Parses "cpu", "cuda" (= cuda:0) or "cuda:N".</summary>
    /// <exception cref="FormatException">The text is none of those.</exception>
    public static Device Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == "cpu") return Cpu;
        if (t == "cuda") return new Device(DeviceType.Cuda, 0);
        if (t.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(t.AsSpan(5), out var i) && i >= 0)
            return new Device(DeviceType.Cuda, i);
        throw new FormatException($"Device '{text}' is not recognised; expected 'cpu', 'cuda' or 'cuda:N' with N >= 0");
    }

    public override string ToString() => Type == DeviceType.Cpu ? "cpu" : $"cuda:{Index}";
}
