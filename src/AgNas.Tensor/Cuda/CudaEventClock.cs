using AgNas.Tensors.Profiling;

namespace AgNas.Tensors.Cuda;

/// <summary>
/// Device time per backend call: a CUDA event is recorded on the stream before and after each call,
/// and the pairs are resolved (cuEventElapsedTime) in batches, so profiling does not synchronise
/// after every call. Events are reused from a pool. The times include whatever the call queued
/// (kernels, cuBLAS, cuDNN, copies), not host-side launch overhead.
/// </summary>
internal sealed class CudaEventClock(CudaDevice device) : OpClock
{
    /// <summary>Pending pairs resolved at once (one synchronisation per this many calls).</summary>
    private const int ResolveEvery = 2048;

    private readonly List<CudaEvent> _events = new();
    private readonly Stack<int> _free = new();
    private readonly List<(string Op, int Start, int End)> _pending = new();
    private readonly Dictionary<string, (long Calls, double Milliseconds)> _totals = new();

    public override string Source => "CUDA events";

    public override long Start() => Record();

    public override void Stop(string op, long token)
    {
        _pending.Add((op, (int)token, Record()));
        if (_pending.Count >= ResolveEvery) Resolve();
    }

    private int Record()
    {
        if (!_free.TryPop(out int index))
        {
            _events.Add(device.CreateEvent());
            index = _events.Count - 1;
        }
        _events[index].Record();
        return index;
    }

    private void Resolve()
    {
        foreach (var (op, start, end) in _pending)
        {
            double ms = CudaEvent.ElapsedMilliseconds(_events[start], _events[end]);
            var (calls, total) = _totals.GetValueOrDefault(op);
            _totals[op] = (calls + 1, total + ms);
            _free.Push(start);
            _free.Push(end);
        }
        _pending.Clear();
    }

    public override IReadOnlyDictionary<string, (long Calls, double Milliseconds)> Totals()
    {
        Resolve();
        return new Dictionary<string, (long, double)>(_totals);
    }

    public override void Reset()
    {
        Resolve();
        _totals.Clear();
    }

    public override void Dispose()
    {
        foreach (var e in _events) e.Dispose();
        _events.Clear();
    }
}
