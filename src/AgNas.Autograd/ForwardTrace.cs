using AgNas.Autograd.Modules;

namespace AgNas.Autograd;

/// <summary>
/// Lets a caller see module outputs as forward passes run on this thread, for model summaries (per-layer
/// output shapes and multiply-adds; <c>AgNas.Search.Analysis.NetworkSummary</c>). <see cref="Conv2d"/>,
/// <see cref="Linear"/> and <see cref="Sequential"/> report every output they return; a network reports the
/// outputs of its top-level layers (cells, blocks) where its forward runs them. Reporting does not change
/// the computation, and without an observer it costs one null check.
/// </summary>
public static class ForwardTrace
{
    [ThreadStatic] private static Action<Module, Var>? _observer;

    /// <summary>Whether an observer is listening on this thread.</summary>
    public static bool IsObserved => _observer is not null;

    /// <summary>
    /// Until disposed, <paramref name="observer"/> receives (module, output) for every output reported on this
    /// thread; it replaces an enclosing observer, which is restored on disposal. The output's tensor belongs to
    /// the forward pass: read its shape, do not keep or dispose it.
    /// </summary>
    public static IDisposable Observe(Action<Module, Var> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var restore = new Restore(_observer);
        _observer = observer;
        return restore;
    }

    /// <summary>Reports that <paramref name="module"/> produced <paramref name="output"/>; returns the output (for <c>h = Record(cell, cell.Forward(h))</c>).</summary>
    public static Var Record(Module module, Var output)
    {
        _observer?.Invoke(module, output);
        return output;
    }

    private sealed class Restore(Action<Module, Var>? previous) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            _observer = previous;
        }
    }
}
