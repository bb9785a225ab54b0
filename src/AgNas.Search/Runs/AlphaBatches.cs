using AgNas.Search.Data;

namespace AgNas.Search.Runs;

/// <summary>
/// The validation batches of one search epoch's α steps (<see cref="AlphaStep"/>), one per weight
/// step, from a shuffling loader over the validation part. When an epoch of that loader runs out
/// before the weight steps do (a smaller validation part), the next of its epochs continues: pass p
/// of search epoch e is the loader's epoch (e − 1)·P + p, with P = ⌈weight steps / validation
/// batches⌉ passes per search epoch. The batches therefore depend only on (seed, e), as everything
/// else in a run does, and a resumed run draws the same ones. DARTS draws each α batch from a fresh
/// random order instead (<c>next(iter(valid_queue))</c>); over an epoch both see every validation
/// image about once.
/// </summary>
public sealed class AlphaBatches : IDisposable
{
    private readonly DataLoader _loader;
    private readonly int _firstPass;
    private int _pass;
    private IEnumerator<ImageBatch>? _current;

    /// <param name="loader">The validation part's loader (shuffling, training mode).</param>
    /// <param name="epoch">The 1-based search epoch.</param>
    /// <param name="steps">Weight steps in a search epoch.</param>
    /// <exception cref="ArgumentException">The loader delivers no batch, or the epoch or step count is below 1.</exception>
    public AlphaBatches(DataLoader loader, int epoch, int steps)
    {
        ArgumentNullException.ThrowIfNull(loader);
        if (loader.BatchesPerEpoch < 1)
            throw new ArgumentException($"AlphaBatches: the validation loader delivers no batch ({loader.Count} image(s), batch size {loader.Options.BatchSize}).", nameof(loader));
        if (epoch < 1 || steps < 1) throw new ArgumentException($"AlphaBatches: epoch {epoch} and steps {steps} must be >= 1.");
        _loader = loader;
        PassesPerEpoch = (steps + loader.BatchesPerEpoch - 1) / loader.BatchesPerEpoch;
        _firstPass = checked((epoch - 1) * PassesPerEpoch);
    }

    /// <summary>P, the loader epochs a search epoch may use.</summary>
    public int PassesPerEpoch { get; }

    /// <summary>The next batch; the caller owns (disposes) it.</summary>
    public ImageBatch Next()
    {
        ObjectDisposedException.ThrowIf(_pass < 0, this);
        while (true)
        {
            _current ??= _loader.Epoch(_firstPass + _pass).GetEnumerator();
            if (_current.MoveNext()) return _current.Current;
            _current.Dispose();
            _current = null;
            _pass++;
        }
    }

    /// <summary>Stops the loader epoch in progress (its background task).</summary>
    public void Dispose()
    {
        _current?.Dispose();
        _current = null;
        _pass = -1;
    }
}
