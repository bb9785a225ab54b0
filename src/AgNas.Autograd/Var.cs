using AgNas.Tensors;

namespace AgNas.Autograd;

/// <summary>
/// A tensor in the autograd graph: its value (<see cref="Data"/>), the function that produced it
/// (<see cref="Creator"/>, null for leaves) and, for leaves that require a gradient, the
/// accumulated gradient (<see cref="Grad"/>). The graph is built as operations run
/// (define-by-run) and walked in reverse by <see cref="Backward"/>.
/// </summary>
public class Var
{
    public Var(Tensor data, bool requiresGrad = false)
    {
        Data = data;
        RequiresGrad = requiresGrad;
    }

    internal Var(Tensor data, Function creator)
    {
        Data = data;
        Creator = creator;
        RequiresGrad = true;
    }

    public Tensor Data { get; protected set; }

    /// <summary>The accumulated gradient of a leaf (null until a backward pass reaches it). Gradients add up (+=) until cleared.</summary>
    public Tensor? Grad { get; internal set; }

    /// <summary>True when a gradient flows to this value: a leaf that asked for one, or the output of a recorded op.</summary>
    public bool RequiresGrad { get; }

    /// <summary>The function that produced this value; null for leaves and for values computed under <see cref="GradMode.NoGrad"/>.</summary>
    public Function? Creator { get; }

    public bool IsLeaf => Creator is null;
    public Shape Shape => Data.Shape;
    public IBackend Backend => Data.Backend;

    /// <summary>
    /// Back-propagates from this value. A scalar (one element) seeds with 1; otherwise
    /// <paramref name="gradOutput"/> (same shape) is required.
    /// </summary>
    /// <exception cref="InvalidOperationException">The value does not require a gradient, or is not a scalar and no seed was given.</exception>
    public void Backward(Tensor? gradOutput = null) => GraphWalk.Run(this, gradOutput);

    /// <summary>Drops the gradient (the optimiser's ZeroGrad).</summary>
    public void ClearGrad()
    {
        Grad?.Dispose();
        Grad = null;
    }

    /// <summary>Adds <paramref name="g"/> into <see cref="Grad"/>, allocating it on first use.</summary>
    internal virtual void AccumulateGrad(Tensor g)
    {
        if (Grad is null) Grad = g.Clone();
        else Backend.Axpy(Grad, 1f, g);
    }

    public override string ToString() => $"Var{Shape}{(Creator is null ? "" : " ← " + Creator.Name)}";
}
