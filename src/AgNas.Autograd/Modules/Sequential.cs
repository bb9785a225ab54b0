namespace AgNas.Autograd.Modules;

/// <summary>Runs its modules in order, each on the previous one's output (torch.nn.Sequential). Children are named "0", "1", ….</summary>
public sealed class Sequential : Module
{
    private readonly List<Module> _layers = [];

    public Sequential(params Module[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var layer in layers) Append(layer);
    }

    public int Count => _layers.Count;

    public Module this[int index] => _layers[index];

    /// <summary>Adds a module at the end, named by its index.</summary>
    public Sequential Append(Module layer)
    {
        _layers.Add(RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer));
        return this;
    }

    /// <summary>The modules in order; the last one's output is reported to <see cref="ForwardTrace"/> as this module's.</summary>
    public override Var Forward(Var x)
    {
        foreach (var layer in _layers) x = layer.Forward(x);
        return ForwardTrace.Record(this, x);
    }
}
