namespace AgNas.Autograd;

/// <summary>Whether operations record the graph. Off inside <see cref="NoGrad"/> (evaluation, importance collection).</summary>
public static class GradMode
{
    [ThreadStatic] private static int _disabledDepth;

    public static bool IsEnabled => _disabledDepth == 0;

    /// <summary>Until disposed, operations on this thread record nothing and their outputs need no gradient.</summary>
    public static IDisposable NoGrad()
    {
        _disabledDepth++;
        return new Restore();
    }

    private sealed class Restore : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            _disabledDepth--;
        }
    }
}
