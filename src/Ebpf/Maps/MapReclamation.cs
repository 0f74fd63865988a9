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
    private static readonly object Gate = new();
    private static readonly SortedDictionary<long, int> ActiveRunsByStartEpoch = new();
    private static long _epoch;
    private static long _oldestActiveStart = long.MaxValue;

    /// <summary>Registers a run that may hold map value pointers until the returned scope is disposed.</summary>
    public static MapRunScope EnterRun()
    {
        lock (Gate)
        {
            long start = Volatile.Read(ref _epoch);
            ActiveRunsByStartEpoch[start] = ActiveRunsByStartEpoch.GetValueOrDefault(start) + 1;
            if (start < _oldestActiveStart) Volatile.Write(ref _oldestActiveStart, start);
            return new MapRunScope(start);
        }
    }

    internal static void ExitRun(long start)
    {
        lock (Gate)
        {
            int remaining = ActiveRunsByStartEpoch[start] - 1;
            if (remaining > 0)
            {
                ActiveRunsByStartEpoch[start] = remaining;
                return;
            }
            ActiveRunsByStartEpoch.Remove(start);
            long oldest = long.MaxValue;
            foreach (var key in ActiveRunsByStartEpoch.Keys)
            {
                oldest = key;
                break;
            }
            Volatile.Write(ref _oldestActiveStart, oldest);
        }
    }

    /// <summary>Stamps a slot that was just unlinked from its map; runs that enter afterwards cannot reach it.</summary>
    internal static long Retire() => Interlocked.Increment(ref _epoch);

    /// <summary>Whether no registered run started before the slot retired at <paramref name="retiredAt"/>.</summary>
    internal static bool IsReusable(long retiredAt) => Volatile.Read(ref _oldestActiveStart) >= retiredAt;
}

/// <summary>A registered program run (see <see cref="MapReclamation.EnterRun"/>); dispose it when the run ends.</summary>
public readonly struct MapRunScope : IDisposable
{
    private readonly long _start;
    private readonly bool _entered;

    internal MapRunScope(long start)
    {
        _start = start;
        _entered = true;
    }

    /// <summary>Ends the run's registration.</summary>
    public void Dispose()
    {
        if (_entered) MapReclamation.ExitRun(_start);
    }
}
