namespace Ebpf.Maps;

/// <summary>
/// Defers the reuse of deleted map value slots until every program run that might still hold a pointer to them has
/// ended, so a run never sees a value slot recycled for another key while it runs.
/// </summary>
/// <remarks>
/// Memory safety does not depend on this: value memory is only freed when the map is disposed. What this adds is that
/// the <em>contents</em> stay those of the deleted element for the rest of every run that started before the delete.
/// A run registers with <see cref="EnterRun"/> (the engine or the code that calls helpers does it once per run); a
/// delete stamps the slot with a new epoch; the slot may be reused once no registered run started before that epoch.
/// If a map runs out of spare slots while old runs are still going, it reuses the oldest deleted slot anyway, which is
/// what the kernel does for preallocated hash maps.
/// </remarks>
public static class MapReclamation
{
    private const long Idle = long.MaxValue;
    private static readonly object RegistrationGate = new();
    private static ThreadRuns[] _threads = [];
    private static long _epoch;

    [ThreadStatic] private static ThreadRuns? _current;

    /// <summary>
    /// One thread's registration: the epoch its outermost current run started at (<see cref="Idle"/> between runs), and
    /// how deeply runs nest on it (a helper that runs a callback registers again). Only its own thread writes it, so
    /// entering and leaving a run take no lock; the rare reuse check reads every thread's start.
    /// </summary>
    internal sealed class ThreadRuns
    {
        public long Start = Idle;
        public int Depth;
    }

    /// <summary>Registers a run that may hold map value pointers until the returned scope is disposed.</summary>
    public static MapRunScope EnterRun()
    {
        var runs = _current ??= Register();
        if (++runs.Depth == 1)
        {
            Volatile.Write(ref runs.Start, Volatile.Read(ref _epoch));
            // The start must be visible before the run reads any map (a store-load order, so a full fence).
            Interlocked.MemoryBarrier();
        }
        return new MapRunScope(runs);
    }

    internal static void ExitRun(ThreadRuns runs)
    {
        if (--runs.Depth == 0) Volatile.Write(ref runs.Start, Idle);
    }

    private static ThreadRuns Register()
    {
        var runs = new ThreadRuns();
        lock (RegistrationGate) _threads = [.. _threads, runs];
        return runs;
    }

    /// <summary>Stamps a slot that was just unlinked from its map; runs that enter afterwards cannot reach it.</summary>
    internal static long Retire() => Interlocked.Increment(ref _epoch);

    /// <summary>Whether no registered run started before the slot retired at <paramref name="retiredAt"/>.</summary>
    internal static bool IsReusable(long retiredAt)
    {
        foreach (var runs in Volatile.Read(ref _threads))
            if (Volatile.Read(ref runs.Start) < retiredAt) return false;
        return true;
    }
}

/// <summary>A registered program run (see <see cref="MapReclamation.EnterRun"/>); dispose it on the thread that entered, when the run ends.</summary>
public readonly struct MapRunScope : IDisposable
{
    private readonly MapReclamation.ThreadRuns? _runs;

    internal MapRunScope(MapReclamation.ThreadRuns runs) => _runs = runs;

    /// <summary>Ends the run's registration.</summary>
    public void Dispose()
    {
        if (_runs is not null) MapReclamation.ExitRun(_runs);
    }
}
