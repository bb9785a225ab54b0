using AgNas.Tensors;

namespace AgNas.Autograd.Functions;

/// <summary>
/// y = x with another shape of the same size: a view sharing x's memory (a strided channel view is
/// copied first). Backward: dy viewed with x's shape (copied first when dy is strided).
/// </summary>
internal sealed class ReshapeFunction : Function
{
    private readonly Shape _xShape;

    private ReshapeFunction(Shape xShape) => _xShape = xShape;

    public static Var Apply(Var x, Shape shape)
    {
        if (shape.Size != x.Data.Size)
            throw new ArgumentException($"Reshape: x has shape {x.Shape} ({x.Data.Size} elements); expected a shape of that size, got {shape} ({shape.Size} elements).");
        var src = x.Data.IsContiguous ? x.Data : x.Data.Clone();
        var y = src.Reshape(shape);
        return Record(y, () => new ReshapeFunction(x.Shape), x);
    }

    protected internal override Tensor?[] Backward(Tensor dy)
    {
        var src = dy.IsContiguous ? dy : dy.Clone();
        return [src.Reshape(_xShape)];
    }
}
