using System.Collections;
using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using AgNas.Tensors;

namespace AgNas.Search.Data;

/// <summary>Settings of a <see cref="DataLoader"/>.</summary>
public sealed record DataLoaderOptions
{
    /// <summary>Images per batch (the last batch of an epoch may be smaller).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Permute the indices anew every epoch (seeded by (Seed, epoch)); off keeps the given order.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>
    /// Training mode: a final batch of exactly one image is dropped (see <see cref="DataLoader"/>).
    /// Evaluation mode keeps every image.
    /// </summary>
    public bool Training { get; init; } = true;

    /// <summary>Drives the per-epoch order and every augmentation draw.</summary>
    public ulong Seed { get; init; }

    /// <summary>Per-image pipeline; null means bytes / 255 only (no normalisation).</summary>
    public Augmentation? Augmentation { get; init; }

    /// <summary>Batches prepared ahead on a background task: 1 or 2; 0 prepares each batch on the consumer's thread.</summary>
    public int Prefetch { get; init; } = 2;
}

/// <summary>
/// Turns a dataset and a list of indices into batches of tensors, epoch after epoch.
/// <para><b>Order and randomness.</b> With <see cref="DataLoaderOptions.Shuffle"/> the order of
/// epoch e is a Fisher–Yates permutation drawn from (Seed, e); the augmentation of image i in
/// epoch e is drawn from (Seed, e, i). The same seed and epoch therefore give the same batches,
/// whatever the prefetch depth or timing.</para>
/// <para><b>Batching.</b> Every index appears exactly once per epoch. The last, partial batch is
/// kept, except in training mode when it would hold exactly one image (and the batch size is
/// above 1): that image is dropped for the epoch, because batch norm in training mode cannot
/// normalise a single sample of a 1×1 map (PyTorch raises "Expected more than 1 value per channel
/// when training"). In evaluation mode the lone image is kept. <see cref="BatchesPerEpoch"/> counts
/// accordingly.</para>
/// <para><b>Background preparation.</b> While the consumer works on batch k, a background task
/// decodes and augments batches k+1..k+Prefetch into host buffers (a fixed pool, so at most
/// Prefetch batches wait). The upload to the backend (<see cref="Tensor.FromArray(ReadOnlySpan{float}, Shape, IBackend)"/>)
/// happens on the consumer's thread inside MoveNext, so a backend never sees allocations from a
/// foreign thread. An exception in the background task is rethrown, with its original stack, by
/// the MoveNext that would have returned the failed batch. Disposing the enumerator (foreach does
/// so on break or exception) or the loader cancels the task and waits for it; batches not yet
/// handed out are only host buffers and are dropped.</para>
/// <para><b>Ownership.</b> Each <see cref="ImageBatch"/> is created detached from any
/// <see cref="Tensors.Memory.TensorScope"/> (even if the consumer has one open) and belongs to the
/// consumer, who must dispose it:</para>
/// <code>
/// foreach (var batch in loader.Epoch(e))
/// {
///     using (batch)
///     {
///         ... batch.Images (B, C, H, W), batch.Labels (B) ...
///     }
/// }
/// </code>
/// <para>An epoch's enumerator is meant for one consumer thread. Several epochs may be enumerated
/// at once; each has its own task.</para>
/// </summary>
public sealed class DataLoader : IDisposable
{
    private readonly int[] _indices;
    private readonly int _outputSize, _scratchSize;
    private readonly HashSet<EpochEnumerator> _active = new();
    private bool _disposed;

    /// <param name="dataset">The images; read-only while the loader runs.</param>
    /// <param name="indices">Which images of the dataset, in their unshuffled order (e.g. <see cref="SearchSplit.Train"/>).</param>
    /// <param name="backend">Where the batch tensors are allocated.</param>
    /// <param name="options">Batch size, shuffle, mode, seed, augmentation, prefetch; null = defaults.</param>
    /// <exception cref="ArgumentException">An index is outside the dataset, the batch size is &lt; 1, the prefetch is not 0..2, or the augmentation does not fit the images.</exception>
    /// <remarks>Images arrive as <see cref="ImageShape"/>, which a resizing augmentation (e.g. <see cref="RandomResizedCrop"/>) makes differ from the dataset's.</remarks>
    public DataLoader(ImageDataset dataset, IReadOnlyList<int> indices, IBackend backend, DataLoaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(backend);
        Options = options ?? new DataLoaderOptions();
        if (Options.BatchSize < 1)
            throw new ArgumentException($"DataLoader: batch size {Options.BatchSize} must be ≥ 1.", nameof(options));
        if (Options.Prefetch is < 0 or > 2)
            throw new ArgumentException($"DataLoader: prefetch {Options.Prefetch} must be 0 (none), 1 or 2 batches.", nameof(options));
        _indices = indices.ToArray();
        for (int i = 0; i < _indices.Length; i++)
        {
            if ((uint)_indices[i] >= (uint)dataset.Count)
                throw new ArgumentException($"DataLoader: index {_indices[i]} at position {i} is outside dataset '{dataset.Name}' of {dataset.Count} images.", nameof(indices));
        }
        Augmentation = Options.Augmentation ?? Augmentation.None;
        ImageShape = Augmentation.OutputShape(dataset.Channels, dataset.Height, dataset.Width);
        _outputSize = ImageShape.Channels * ImageShape.Height * ImageShape.Width;
        _scratchSize = Augmentation.ScratchSize(dataset.Channels, dataset.Height, dataset.Width);
        Dataset = dataset;
        Backend = backend;
    }

    /// <summary>A loader over the whole dataset.</summary>
    public DataLoader(ImageDataset dataset, IBackend backend, DataLoaderOptions? options = null)
        : this(dataset, Enumerable.Range(0, dataset.Count).ToArray(), backend, options)
    {
    }

    public ImageDataset Dataset { get; }
    public IBackend Backend { get; }
    public DataLoaderOptions Options { get; }
    public Augmentation Augmentation { get; }

    /// <summary>C×H×W of the delivered images: the dataset's, or what the augmentation resizes them to.</summary>
    public (int Channels, int Height, int Width) ImageShape { get; }

    /// <summary>Images the loader draws from (before any lone-sample drop).</summary>
    public int Count => _indices.Length;

    /// <summary>Images actually delivered per epoch (Count, less a dropped lone last image in training mode).</summary>
    public int ImagesPerEpoch => DropsLoneLast ? Count - 1 : Count;

    /// <summary>Batches per epoch: ceil(Count / B), less one when training drops a lone last image.</summary>
    public int BatchesPerEpoch => (Count + Options.BatchSize - 1) / Options.BatchSize - (DropsLoneLast ? 1 : 0);

    private bool DropsLoneLast => Options.Training && Options.BatchSize > 1 && Count % Options.BatchSize == 1;

    /// <summary>The dataset indices of epoch <paramref name="epoch"/> in delivery order (all of them, including a dropped lone last one).</summary>
    public int[] EpochOrder(int epoch)
    {
        var order = (int[])_indices.Clone();
        if (Options.Shuffle) new CounterGenerator(Options.Seed, RandomStreams.Shuffle, epoch, 0).Shuffle(order);
        return order;
    }

    /// <summary>The batches of one epoch. Each enumeration starts its own background task; see the class remarks.</summary>
    /// <exception cref="ObjectDisposedException">The loader was disposed.</exception>
    public IEnumerable<ImageBatch> Epoch(int epoch)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new EpochEnumerable(this, epoch);
    }

    /// <summary>Stops every running epoch's background task and waits for it.</summary>
    public void Dispose()
    {
        EpochEnumerator[] running;
        lock (_active)
        {
            if (_disposed) return;
            _disposed = true;
            running = _active.ToArray();
        }
        foreach (var e in running) e.Dispose();
    }

    private void Register(EpochEnumerator e)
    {
        lock (_active)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _active.Add(e);
        }
    }

    private void Unregister(EpochEnumerator e)
    {
        lock (_active) _active.Remove(e);
    }

    /// <summary>Decodes and augments the images of one batch into host buffers.</summary>
    private void Fill(HostBatch buffer, int[] order, int start, int count, int epoch, float[] scratch)
    {
        int size = _outputSize;
        for (int i = 0; i < count; i++)
        {
            int index = order[start + i];
            buffer.Indices[i] = index;
            buffer.Labels[i] = Dataset.Label(index);
            Augmentation.Apply(Dataset.Image(index), buffer.Images.AsSpan(i * size, size), scratch,
                Dataset.Channels, Dataset.Height, Dataset.Width, Options.Seed, epoch, index);
        }
        buffer.Count = count;
    }

    private sealed class HostBatch
    {
        public HostBatch(int batchSize, int imageSize)
        {
            Images = new float[(long)batchSize * imageSize];
            Labels = new int[batchSize];
            Indices = new int[batchSize];
        }

        public float[] Images { get; }
        public int[] Labels { get; }
        public int[] Indices { get; }
        public int Count { get; set; }
        public int Number { get; set; }
    }

    private sealed class EpochEnumerable(DataLoader loader, int epoch) : IEnumerable<ImageBatch>
    {
        public IEnumerator<ImageBatch> GetEnumerator() => new EpochEnumerator(loader, epoch);
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed class EpochEnumerator : IEnumerator<ImageBatch>
    {
        private readonly DataLoader _loader;
        private readonly int _epoch;
        private readonly int[] _order;
        private readonly int _batches;
        private readonly CancellationTokenSource _cts = new();
        private BlockingCollection<HostBatch>? _free, _ready;
        private HostBatch? _sync;
        private float[]? _syncScratch;
        private Task? _worker;
        private ExceptionDispatchInfo? _error;   // set by the worker
        private ExceptionDispatchInfo? _fault;   // set by a failed upload: the epoch cannot go on
        private int _consumed;
        private bool _disposed;
        private ImageBatch? _current;

        public EpochEnumerator(DataLoader loader, int epoch)
        {
            _loader = loader;
            _epoch = epoch;
            _order = loader.EpochOrder(epoch);
            _batches = loader.BatchesPerEpoch;
            loader.Register(this);
        }

        public ImageBatch Current => _current ?? throw new InvalidOperationException("DataLoader: MoveNext has not returned a batch.");
        object IEnumerator.Current => Current;

        private int BatchSize => _loader.Options.BatchSize;
        private int CountOf(int batch) => Math.Min(BatchSize, _order.Length - batch * BatchSize);

        public bool MoveNext()
        {
            _current = null;
            _fault?.Throw();
            if (_disposed || _consumed >= _batches) return false;
            int prefetch = _loader.Options.Prefetch;
            HostBatch host;
            if (prefetch == 0)
            {
                _sync ??= new HostBatch(BatchSize, _loader._outputSize);
                _syncScratch ??= new float[_loader._scratchSize];
                _loader.Fill(_sync, _order, _consumed * BatchSize, CountOf(_consumed), _epoch, _syncScratch);
                _sync.Number = _consumed;
                host = _sync;
            }
            else
            {
                if (_worker is null) Start(prefetch);
                HostBatch? item;
                try
                {
                    if (!_ready!.TryTake(out item, Timeout.Infinite, _cts.Token)) item = null;
                }
                catch (OperationCanceledException)
                {
                    throw new ObjectDisposedException(nameof(DataLoader),
                        $"DataLoader: epoch {_epoch} was disposed (or its loader was) while batch {_consumed} was awaited.");
                }
                if (item is null)
                {
                    Volatile.Read(ref _error)?.Throw();
                    throw new InvalidOperationException($"DataLoader: background task of epoch {_epoch} stopped after {_consumed} of {_batches} batches without an error.");
                }
                host = item;
            }

            try
            {
                _current = Upload(host);
            }
            catch (Exception e)
            {
                // Skipping the batch would silently shorten the epoch; every later MoveNext rethrows instead.
                _fault = ExceptionDispatchInfo.Capture(e);
                throw;
            }
            finally
            {
                if (prefetch > 0) _free!.Add(host);
            }
            _consumed++;
            return true;
        }

        private ImageBatch Upload(HostBatch host)
        {
            var (c, h, w) = _loader.ImageShape;
            int n = host.Count;
            var images = Tensor.FromArray(host.Images.AsSpan(0, n * _loader._outputSize), new Shape(n, c, h, w), _loader.Backend)
                .DetachFromScope();
            try
            {
                var labels = Tensor.FromArray(host.Labels.AsSpan(0, n), new Shape(n), _loader.Backend).DetachFromScope();
                return new ImageBatch(images, labels, host.Indices.AsSpan(0, n).ToArray(), _epoch, host.Number);
            }
            catch
            {
                images.Dispose();
                throw;
            }
        }

        private void Start(int prefetch)
        {
            // prefetch + 1 buffers: one is being uploaded by the consumer while the worker fills up to `prefetch` others.
            _free = new BlockingCollection<HostBatch>();
            _ready = new BlockingCollection<HostBatch>();
            for (int i = 0; i < prefetch + 1; i++) _free.Add(new HostBatch(BatchSize, _loader._outputSize));
            var token = _cts.Token;
            _worker = Task.Factory.StartNew(() => Produce(token), token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        private void Produce(CancellationToken token)
        {
            var free = _free!;
            var ready = _ready!;
            try
            {
                var scratch = new float[_loader._scratchSize];
                for (int b = 0; b < _batches; b++)
                {
                    var buffer = free.Take(token);
                    _loader.Fill(buffer, _order, b * BatchSize, CountOf(b), _epoch, scratch);
                    buffer.Number = b;
                    ready.Add(buffer, token);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                Volatile.Write(ref _error, ExceptionDispatchInfo.Capture(e));
            }
            finally
            {
                ready.CompleteAdding();
            }
        }

        public void Reset() => throw new NotSupportedException("DataLoader: call Epoch(e) again for a new pass.");

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            _cts.Cancel();
            try
            {
                _worker?.Wait();
            }
            catch (AggregateException)
            {
                // Produce catches everything; nothing to surface here.
            }
            _loader.Unregister(this);
            // The collections and the token source are left to the GC rather than disposed: the loader
            // may be disposed from another thread while the consumer still waits on them, and disposing
            // would turn its clean cancellation into a race.
        }
    }
}
