namespace AgNas.Tensors.Memory;

/// <summary>
/// Releases the intermediates of a piece of work deterministically. Every tensor created on this
/// thread while the scope is the innermost one is owned by it and disposed when the scope is
/// disposed, unless it was handed on with <see cref="Tensor.MoveToOuterScope"/> or
/// <see cref="Tensor.DetachFromScope"/>. Scopes nest; use one per training step.
/// </summary>
/// <example>
/// <code>
/// using (var step = TensorScope.Begin())
/// {
///     var loss = model.Forward(x) ...;   // every intermediate belongs to the scope
///     loss.Backward();
/// }                                     // all released here
/// </code>
/// </example>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? _current;

    private readonly HashSet<Tensor> _owned = new(ReferenceEqualityComparer.Instance);
    private readonly TensorScope? _parent;
    private bool _disposed;

    private TensorScope(TensorScope? parent) => _parent = parent;

    /// <summary>The innermost open scope of this thread, or null.</summary>
    public static TensorScope? Current => _current;

    public static TensorScope Begin() => _current = new TensorScope(_current);

    /// <summary>Runs <paramref name="body"/> with no scope, so what it creates is owned by the caller.</summary>
    public static T Outside<T>(Func<T> body)
    {
        var saved = _current;
        _current = null;
        try { return body(); }
        finally { _current = saved; }
    }

    public int Count => _owned.Count;

    internal void Adopt(Tensor t)
    {
        _owned.Add(t);
        t.OwnerScope = this;
    }

    internal void Forget(Tensor t)
    {
        _owned.Remove(t);
        t.OwnerScope = null;
    }

    internal TensorScope? Parent => _parent;

    public void Dispose()
    {
        if (_disposed) return;
        if (!ReferenceEquals(_current, this))
            throw new InvalidOperationException("TensorScope disposed out of order: an inner scope is still open.");
        _disposed = true;
        _current = _parent;
        foreach (var t in _owned.ToArray())
        {
            t.OwnerScope = null;
            t.Dispose();
        }
        _owned.Clear();
    }
}
