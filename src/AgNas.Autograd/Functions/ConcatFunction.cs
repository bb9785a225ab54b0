using AgNas.Tensors;

namespace AgNas.Autograd.Functions;

/// <summary>
/// Channel concatenation of parts (B, C_i, ...) with equal other dims into (B, Σ C_i, ...): each part
/// is copied into its <see cref="Tensor.SliceChannels"/> view of the output. Backward copies each
/// part's slice of dy out into a dense gradient.
/// </summary>
internal sealed class ConcatFunction : Function
{
    private const string Op = "Concat";

    private readonly Shape[] _partShapes;

    private ConcatFunction(Shape[] partShapes) => _partShapes = partShapes;

    public static Var Apply(IReadOnlyList<Var> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0) throw new ArgumentException($"{Op}: no parts given; expected at least one (B, C, ...) tensor.");
        var first = parts[0].Data;
        if (first.Rank < 2)
            throw new ArgumentException($"{Op}: part 0 has shape {first.Shape}; expected (B, C, ...) with rank >= 2.");
        long channels = 0;
        for (int i = 0; i < parts.Count; i++)
        {
            var t = parts[i].Data;
            Check.Backend(Op, first.Backend, t, $"part {i}");
            Check.DType(Op, t, DType.Float32, $"part {i}");
            if (t.Rank != first.Rank || t.Shape.WithDim(1, 0) != first.Shape.WithDim(1, 0))
                throw new ArgumentException($"{Op}: part {i} has shape {t.Shape} but part 0 has {first.Shape}; expected every dim except channels (dim 1) to match. Part shapes: {string.Join(", ", parts.Select(p => p.Shape))}.");
            channels += t.Shape[1];
        }
        var y = Tensor.Empty(first.Shape.WithDim(1, checked((int)channels)), first.Backend);
        int offset = 0;
        foreach (var part in parts)
        {
            using var slice = y.SliceChannels(offset, part.Shape[1]);
            y.Backend.Copy(slice, part.Data);
            offset += part.Shape[1];
        }
        var shapes = parts.Select(p => p.Shape).ToArray();
        return Record(y, () => new ConcatFunction(shapes), parts.ToArray());
    }

    protected internal override Tensor?[] Backward(Tensor dy)
    {
        var grads = new Tensor?[_partShapes.Length];
        int offset = 0;
        for (int i = 0; i < grads.Length; i++)
        {
            int c = _partShapes[i][1];
            if (NeedsGrad(i))
            {
                var dx = Tensor.Empty(_partShapes[i], dy.Backend);
                using var slice = dy.SliceChannels(offset, c);
                dy.Backend.Copy(dx, slice);
                grads[i] = dx;
            }
            offset += c;
        }
        return grads;
    }
}
