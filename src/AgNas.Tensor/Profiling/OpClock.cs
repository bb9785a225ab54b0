using System.Diagnostics;

namespace AgNas.Tensors.Profiling;

/// <summary>
/// How <see cref="ProfilingBackend"/> times one backend call. The CPU's kernels are synchronous, so
/// the wall clock measures them; a GPU backend queues work and returns, so it times on the device
/// instead (CUDA events around each call) and supplies its clock through <see cref="IOpClockSource"/>.
/// </summary>
public abstract class OpClock : IDisposable
{
    /// <summary>What the times are, for table titles ("wall clock", "CUDA events").</summary>
    public abstract string Source { get; }

    /// <summary>Marks the start of a call; the token goes to <see cref="Stop"/>.</summary>
    public abstract long Start();

    /// <summary>Marks the end of the call started with <paramref name="token"/>.</summary>
    public abstract void Stop(string op, long token);

    /// <summary>Calls and total milliseconds per op so far (waits for the device where it must).</summary>
    public abstract IReadOnlyDictionary<string, (long Calls, double Milliseconds)> Totals();

    public abstract void Reset();

    public virtual void Dispose() { }
}

/// <summary>A backend that times its own calls (<see cref="ProfilingBackend"/> asks for it).</summary>
public interface IOpClockSource
{
    OpClock CreateOpClock();
}

/// <summary>Wall time on the calling thread (exact for synchronous backends).</summary>
public sealed class WallClock : OpClock
{
    private readonly Dictionary<string, (long Calls, long Ticks)> _totals = new();
    private readonly object _lock = new();

    public override string Source => "wall clock";

    public override long Start() => Stopwatch.GetTimestamp();

    public override void Stop(string op, long token)
    {
        long elapsed = Stopwatch.GetTimestamp() - token;
        lock (_lock)
        {
            var (calls, ticks) = _totals.GetValueOrDefault(op);
            _totals[op] = (calls + 1, ticks + elapsed);
        }
    }

    public override IReadOnlyDictionary<string, (long Calls, double Milliseconds)> Totals()
    {
        lock (_lock) return _totals.ToDictionary(kv => kv.Key, kv => (kv.Value.Calls, kv.Value.Ticks * 1000.0 / Stopwatch.Frequency));
    }

    public override void Reset()
    {
        lock (_lock) _totals.Clear();
    }
}
