using AgNas.Tensors;

namespace AgNas.Autograd.Functions;

/// <summary>
/// y = channels [start, start + count) of x (B, C, ...), as a dense copy. Backward: zeros of x's
/// shape with dy copied into the slice.
/// </summary>
internal sealed class SliceChannelsFunction : Function
{
    private readonly Shape _xShape;
    private readonly int _start;

    private SliceChannelsFunction(Shape xShape, int start)
    {
        _xShape = xShape;
        _start = start;
    }

    public static Var Apply(Var x, int start, int count)
    {
        // SliceChannels checks the rank and the range and names itself in the message.
        using var view = x.Data.SliceChannels(start, count);
        var y = Tensor.Empty(view.Shape, x.Backend);
        x.Backend.Copy(y, view);
        return Record(y, () => new SliceChannelsFunction(x.Shape, start), x);
    }

    protected internal override Tensor?[] Backward(Tensor dy)
    {
        var dx = Tensor.Zeros(_xShape, dy.Backend);
        using var slice = dx.SliceChannels(_start, dy.Shape[1]);
        dy.Backend.Copy(slice, dy);
        return [dx];
    }
}
