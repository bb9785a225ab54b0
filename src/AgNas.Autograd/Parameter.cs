using AgNas.Tensors;
using AgNas.Tensors.Memory;

namespace AgNas.Autograd;

/// <summary>
/// A trainable leaf. Its value and gradient live outside every <see cref="TensorScope"/>: they are
/// owned by the module and survive training steps.
/// </summary>
public sealed class Parameter : Var
{
    public Parameter(Tensor data) : base(data.DetachFromScope(), requiresGrad: true) { }

    /// <summary>Replaces the value (e.g. when a module moves to another backend); disposes the old one.</summary>
    public void SetData(Tensor data)
    {
        if (data.Shape != Data.Shape)
            throw new ArgumentException($"Parameter.SetData: new value has shape {data.Shape}; expected {Data.Shape}.");
        var old = Data;
        Data = data.DetachFromScope();
        if (!ReferenceEquals(old, Data)) old.Dispose();
        ClearGrad();
    }

    internal override void AccumulateGrad(Tensor g)
    {
        if (Grad is null) Grad = TensorScope.Outside(() => g.Clone());
        else Backend.Axpy(Grad, 1f, g);
    }
}
