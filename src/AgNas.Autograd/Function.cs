using AgNas.Tensors;

namespace AgNas.Autograd;

/// <summary>
/// A recorded operation: its inputs, the tensors it saved for the backward pass, and the backward
/// itself. Each primitive is one subclass in Functions/ with its forward (a static Apply) and
/// <see cref="Backward"/> side by side.
/// </summary>
public abstract class Function
{
    private Var[] _inputs = [];

    public IReadOnlyList<Var> Inputs => _inputs;

    public virtual string Name => GetType().Name.Replace("Function", "");

    /// <summary>True when input <paramref name="i"/> needs a gradient; backward skips the others.</summary>
    protected bool NeedsGrad(int i) => _inputs[i].RequiresGrad;

    /// <summary>
    /// Gradients of the inputs, in input order, given the output's gradient <paramref name="dy"/>.
    /// Entries for inputs that need no gradient may be null. A returned tensor may be
    /// <paramref name="dy"/> itself; the engine never writes into what a backward returns.
    /// </summary>
    protected internal abstract Tensor?[] Backward(Tensor dy);

    /// <summary>
    /// Wraps <paramref name="output"/> as a Var and, when gradients are on and an input needs one,
    /// records <paramref name="function"/> as its creator. <paramref name="function"/> is only
    /// created when it is recorded, so the forward saves nothing under NoGrad.
    /// </summary>
    protected static Var Record(Tensor output, Func<Function> function, params Var[] inputs)
    {
        if (!GradMode.IsEnabled || !inputs.Any(v => v.RequiresGrad)) return new Var(output);
        var f = function();
        f._inputs = inputs;
        return new Var(output, f);
    }
}
