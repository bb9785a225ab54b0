namespace AgNas.Search.Spaces.Proxyless;

/// <summary>
/// Parameters and multiply-adds of ProxylessNAS-space blocks and networks, worked out analytically from the layer table
/// (<see cref="ProxylessLayers"/>) without building anything.
/// Convention: parameters are every trainable element (conv weights, no conv bias; BN γ and β; the classifier's weight and bias).
/// MACs are those of the convs (C_out · C_in/groups · k² · H_out · W_out) and of the classifier (1728 · classes) for one image;
/// BN, ReLU6, residual adds, the global average pool and the classifier bias are not counted (the convention of the reference's
/// <c>op_flops_dict</c>, agnas-facts §4.5). Sizes follow the convs: H_out = ⌊(H + 2⌊k/2⌋ − k)/s⌋ + 1 = ⌈H/s⌉ for odd k.
/// At 224 px the AGNAS architecture has 6,728,936 parameters and 659,130,816 MACs (the reference's table: ≈659–661 M).
/// </summary>
public static class ProxylessCost
{
    /// <summary>The output size of a k×k conv with padding ⌊k/2⌋ and stride s on a side of <paramref name="size"/>.</summary>
    public static int OutputSize(int size, int kernelSize, int stride) => (size + 2 * (kernelSize / 2) - kernelSize) / stride + 1;

    /// <summary>An MBConv (k, e, s, C_in → C_out) on a <paramref name="resolution"/>² input.</summary>
    public static ProxylessCostFigure MBConv(int kernelSize, int expansion, int stride, int inChannels, int outChannels, int resolution)
    {
        long hidden = (long)expansion * inChannels, inArea = (long)resolution * resolution;
        long side = OutputSize(resolution, kernelSize, stride), outArea = side * side;
        long parameters = 0, macs = 0;
        if (expansion != 1)
        {
            parameters += inChannels * hidden + 2 * hidden;
            macs += inChannels * hidden * inArea;
        }
        parameters += hidden * kernelSize * kernelSize + 2 * hidden;
        macs += hidden * kernelSize * kernelSize * outArea;
        parameters += hidden * outChannels + 2L * outChannels;
        macs += hidden * outChannels * outArea;
        return new ProxylessCostFigure(parameters, macs);
    }

    /// <summary><paramref name="block"/> on <paramref name="layer"/> with a <paramref name="resolution"/>² input; skip costs nothing.</summary>
    public static ProxylessCostFigure Block(ProxylessBlockSpec block, ProxylessLayer layer, int resolution)
    {
        ArgumentNullException.ThrowIfNull(block);
        return block.IsSkip ? default : MBConv(block.KernelSize, block.Expansion, layer.Stride, layer.InChannels, layer.OutChannels, resolution);
    }

    /// <summary>The input side of every layer of <see cref="ProxylessLayers.All"/>, and (last) the head's: 22 values (112, 56, …, 7, 7 at 224 px).</summary>
    public static IReadOnlyList<int> LayerResolutions(ProxylessCostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var sides = new int[ProxylessLayers.Count + 1];
        int side = OutputSize(settings.Resolution, ProxylessLayers.StemKernel, settings.StemStride); // the first block has stride 1
        foreach (var layer in ProxylessLayers.All)
        {
            sides[layer.Index] = side;
            side = OutputSize(side, ProxylessBlockRegistry.Blocks[0].KernelSize, layer.Stride); // every candidate gives ⌈H/s⌉
        }
        sides[^1] = side;
        return sides;
    }

    /// <summary>Per layer, the cost of each of its candidates (<see cref="ProxylessBlockRegistry.CandidatesOf"/> order; skip is 0).</summary>
    public static IReadOnlyList<IReadOnlyList<ProxylessCostFigure>> Candidates(ProxylessCostSettings settings)
    {
        var sides = LayerResolutions(settings);
        return [.. ProxylessLayers.All.Select(l =>
            (IReadOnlyList<ProxylessCostFigure>)[.. ProxylessBlockRegistry.CandidatesOf(l).Select(b => Block(b, l, sides[l.Index]))])];
    }

    /// <summary>The parts every network has: stem, first block, head conv and classifier.</summary>
    public static ProxylessCostFigure Fixed(ProxylessCostSettings settings)
    {
        var sides = LayerResolutions(settings);
        int stemSide = sides[0];
        long stemWeights = (long)settings.InputChannels * ProxylessLayers.StemChannels * ProxylessLayers.StemKernel * ProxylessLayers.StemKernel;
        var stem = new ProxylessCostFigure(stemWeights + 2 * ProxylessLayers.StemChannels, stemWeights * stemSide * stemSide);
        var first = MBConv(ProxylessLayers.FirstBlockKernel, 1, 1, ProxylessLayers.StemChannels, ProxylessLayers.FirstBlockChannels, stemSide);
        long headWeights = (long)ProxylessLayers.HeadInputChannels * ProxylessLayers.HeadChannels;
        long headArea = (long)sides[^1] * sides[^1];
        var head = new ProxylessCostFigure(headWeights + 2 * ProxylessLayers.HeadChannels, headWeights * headArea);
        long classifierWeights = (long)ProxylessLayers.HeadChannels * settings.Classes;
        var classifier = new ProxylessCostFigure(classifierWeights + settings.Classes, classifierWeights);
        return stem + first + head + classifier;
    }

    /// <summary>The exported network of <paramref name="arch"/> (<see cref="ProxylessNetwork"/>; dropout has no cost).</summary>
    public static ProxylessCostFigure Network(ProxylessArch arch, ProxylessCostSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(arch);
        settings ??= new ProxylessCostSettings();
        var candidates = Candidates(settings);
        var total = Fixed(settings);
        foreach (var layer in ProxylessLayers.All) total += candidates[layer.Index][arch.CandidateIndex(layer.Index)];
        return total;
    }
}
