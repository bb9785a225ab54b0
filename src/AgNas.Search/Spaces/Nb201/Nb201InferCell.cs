using AgNas.Autograd;
using AgNas.Autograd.Init;
using AgNas.Autograd.Modules;
using AgNas.Search.Ops;
using AgNas.Tensors;

namespace AgNas.Search.Spaces.Nb201;

/// <summary>
/// A NAS-Bench-201 cell with one fixed op per edge, as the benchmark trains it (AutoDL <c>InferCell</c>):
/// ops from <see cref="Nb201OpRegistry"/> with BN affine (so convs without bias) and running statistics,
/// children <c>layers.0</c>..<c>layers.5</c> in <see cref="Nb201Topology.Edges"/> order. Node i sums its
/// input edges; edges whose op is the zero op (<see cref="Nb201OpSpec.IsZero"/>) are kept as modules
/// (no parameters) but not computed, and a node whose inputs are all zero ops is zeros.
/// </summary>
public sealed class Nb201InferCell : Module
{
    /// <param name="arch">The op on each edge.</param>
    /// <param name="channels">C (input = output channels).</param>
    /// <param name="generator">Source of the initial weights, drawn edge by edge.</param>
    /// <param name="backend">Where the tensors live.</param>
    public Nb201InferCell(Nb201Arch arch, int channels, Generator generator, IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(backend);
        Arch = arch;
        Channels = channels;
        Layers = RegisterModule("layers", new ModuleList<Module>(
            Nb201Topology.Edges.Select(e => Nb201OpRegistry.Create(arch[e], channels, stride: 1, affine: true, trackRunningStats: true, generator, backend))));
    }

    public Nb201Arch Arch { get; }
    public int Channels { get; }

    /// <summary>The ops, index = <see cref="Nb201Edge.Index"/>.</summary>
    public ModuleList<Module> Layers { get; }

    /// <summary>x (B, C, H, W) → node 3 (B, C, H, W).</summary>
    /// <exception cref="ArgumentException">x does not have C channels.</exception>
    public override Var Forward(Var x)
    {
        if (x.Shape.Rank != 4 || x.Shape[1] != Channels)
            throw new ArgumentException($"Nb201InferCell(C={Channels}): input has shape {x.Shape}; expected (B, {Channels}, H, W).");
        var nodes = new Var[Nb201Topology.NodeCount];
        nodes[Nb201Topology.InputNode] = x;
        foreach (int node in Nb201Topology.ComputedNodes)
        {
            Var? sum = null;
            foreach (var e in Nb201Topology.InputsOf(node))
            {
                if (Nb201OpRegistry.Get(Arch[e]).IsZero) continue;
                var y = Layers[e.Index].Forward(nodes[e.From]);
                sum = sum is null ? y : Functional.Add(sum, y);
            }
            nodes[node] = sum ?? Functional.Zeros(x.Shape, x.Backend);
        }
        return nodes[Nb201Topology.OutputNode];
    }

    protected override string ExtraRepr => $"{Arch}, C={Channels}";
}
