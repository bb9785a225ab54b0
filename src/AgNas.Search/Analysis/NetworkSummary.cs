using AgNas.Autograd;
using AgNas.Autograd.Modules;
using AgNas.Search.Ops;
using AgNas.Tensors;
using AgNas.Tensors.Cpu;
using AgNas.Tensors.Memory;

namespace AgNas.Search.Analysis;

/// <summary>
/// A network's parameters, output shapes and multiply-adds per top-level layer (<c>agnas summary</c>), counted
/// by running it, not from per-network formulas: one batch-1 forward pass of zeros in evaluation mode under
/// <see cref="GradMode.NoGrad"/>, observed through <see cref="ForwardTrace"/>. Every <see cref="Conv2d"/> and
/// <see cref="Linear"/> call adds its <see cref="MultiplyAdds.PerImage"/> to the layer that contains the module.
/// </summary>
/// <remarks>
/// <para><b>Layers.</b> The network's direct children in registration order, a <see cref="ModuleList{T}"/> child
/// (which has no forward) standing for its items (<c>cells.0</c>, <c>cells.1</c>, …). Parameters come from the
/// module tree; a parameter of the network itself (outside every child) gets a row named <see cref="OwnRowName"/>.</para>
/// <para><b>Output shapes.</b> A layer's output is what it reported to <see cref="ForwardTrace"/> itself (a network
/// reports its cells where its forward runs them; <see cref="Sequential"/>, <see cref="Conv2d"/> and <see cref="Linear"/>
/// always report), else the last output reported inside it (an MBConv block's last conv); null if nothing inside it ran.</para>
/// </remarks>
/// <param name="Input">The image shape (C, H, W) counted for.</param>
/// <param name="Layers">One row per top-level layer, in registration order.</param>
public sealed record NetworkSummary(Shape Input, IReadOnlyList<LayerSummary> Layers)
{
    /// <summary>The row name of parameters that belong to the network itself rather than to one of its layers.</summary>
    public const string OwnRowName = "(network)";

    /// <summary>Parameters of the layers in the totals.</summary>
    public long TotalParameters => Layers.Where(l => l.InTotals).Sum(l => l.Parameters);

    /// <summary>Multiply-adds per image of the layers in the totals.</summary>
    public long TotalMultiplyAdds => Layers.Where(l => l.InTotals).Sum(l => l.MultiplyAdds);

    /// <summary>The row of the layer named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such layer.</exception>
    public LayerSummary this[string name] => Layers.FirstOrDefault(l => l.Name == name)
        ?? throw new KeyNotFoundException($"NetworkSummary: no layer '{name}'; layers: {string.Join(", ", Layers.Select(l => l.Name))}.");

    /// <summary>
    /// Counts <paramref name="network"/> on one (1, C, H, W) image of zeros, on the backend of its parameters. The
    /// network is left in evaluation mode.
    /// </summary>
    /// <param name="network">The network.</param>
    /// <param name="input">The image shape (C, H, W).</param>
    /// <param name="forward">The forward pass to observe; null runs <see cref="Module.Forward"/>. A network whose ordinary
    /// forward skips a layer (DARTS' auxiliary head in evaluation mode) passes one that runs it.</param>
    /// <param name="notInTotals">Names of layers shown but left out of the totals; each must be a layer.</param>
    /// <exception cref="ArgumentException"><paramref name="input"/> is not (C, H, W) with positive sizes, a name in
    /// <paramref name="notInTotals"/> is not a layer, or the network rejects the input (its message).</exception>
    public static NetworkSummary Of(Module network, Shape input, Action<Var>? forward = null, IReadOnlyCollection<string>? notInTotals = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (input.Rank != 3 || input.Any(d => d < 1))
            throw new ArgumentException($"NetworkSummary: the input shape {input} is not (C, H, W) with positive sizes.", nameof(input));
        var layers = TopLevelLayers(network);
        var excluded = new HashSet<string>(notInTotals ?? [], StringComparer.Ordinal);
        if (excluded.FirstOrDefault(n => !layers.Any(l => l.Name == n)) is { } unknown)
            throw new ArgumentException($"NetworkSummary: '{unknown}' (not in the totals) is not a layer of {network.GetType().Name}; layers: {string.Join(", ", layers.Select(l => l.Name))}.", nameof(notInTotals));

        var layerOf = new Dictionary<Module, int>(ReferenceEqualityComparer.Instance);
        var parameters = new long[layers.Count];
        var counted = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < layers.Count; i++)
        {
            foreach (var (_, m) in layers[i].Module.NamedModules()) layerOf.TryAdd(m, i);
            foreach (var p in layers[i].Module.Parameters())
            {
                if (counted.Add(p)) parameters[i] += p.Data.Size;
            }
        }
        long own = network.Parameters().Where(p => !counted.Contains(p)).Sum(p => p.Data.Size);

        var macs = new long[layers.Count];
        var reported = new Shape?[layers.Count];
        var lastInside = new Shape?[layers.Count];
        void Observe(Module module, Var output)
        {
            if (!layerOf.TryGetValue(module, out int i)) return; // the network's own output
            macs[i] += MultiplyAdds.PerImage(module, output.Shape);
            var perImage = new Shape(output.Shape.Skip(1).ToArray());
            if (ReferenceEquals(module, layers[i].Module)) reported[i] = perImage;
            else lastInside[i] = perImage;
        }

        network.Eval();
        var backend = network.Parameters().FirstOrDefault()?.Data.Backend ?? CpuBackend.Instance;
        using (GradMode.NoGrad())
        using (TensorScope.Begin())
        using (ForwardTrace.Observe(Observe))
        {
            var x = new Var(Tensor.Zeros(new Shape(1, input[0], input[1], input[2]), backend));
            if (forward is null) network.Forward(x);
            else forward(x);
        }

        var rows = new List<LayerSummary>(layers.Count + 1);
        for (int i = 0; i < layers.Count; i++)
        {
            var (name, module) = layers[i];
            rows.Add(new LayerSummary(name, module.GetType().Name, reported[i] ?? lastInside[i], parameters[i], macs[i], !excluded.Contains(name)));
        }
        if (own > 0) rows.Add(new LayerSummary(OwnRowName, network.GetType().Name, null, own, 0, true));
        return new NetworkSummary(input, rows);
    }

    /// <summary>The network's direct children in order, each <see cref="ModuleList{T}"/> replaced by its items (named <c>list.i</c>).</summary>
    public static IReadOnlyList<(string Name, Module Module)> TopLevelLayers(Module network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var layers = new List<(string, Module)>();
        foreach (var (name, child) in network.NamedChildren())
        {
            if (IsModuleList(child))
            {
                foreach (var (index, item) in child.NamedChildren()) layers.Add(($"{name}.{index}", item));
            }
            else
            {
                layers.Add((name, child));
            }
        }
        return layers;
    }

    private static bool IsModuleList(Module module)
    {
        var type = module.GetType();
        return type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ModuleList<>);
    }
}
