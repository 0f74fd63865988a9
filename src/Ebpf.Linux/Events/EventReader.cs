using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ebpf.Linux.Events;

/// <summary>
/// What the kernel's event maps have in common for a reader in user space: records arrive in memory shared with the
/// kernel, epoll says when. Read them synchronously (<see cref="Poll"/>, <see cref="TryRead(out byte[])"/>) or as an
/// asynchronous stream (<see cref="ReadAllAsync(CancellationToken)"/>). Each record is copied out before its space is
/// given back to the kernel. One consumer at a time; dispose the reader to unmap the memory and close its fds.
/// </summary>
public abstract unsafe class EventReader : IDisposable
{
    private readonly object _gate = new();
    private readonly EventWaiter _waiter;
    private bool _disposed;

    private protected EventReader(EventWaiter waiter) => _waiter = waiter;

    /// <summary>
    /// Waits up to <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: no limit) until a record can be
    /// read; true when one can.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The reader was disposed.</exception>
    public bool Poll(TimeSpan timeout)
    {
        long deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (HasRecord()) return true;
            }
            int wait = Timeout.Infinite;
            if (deadline != long.MaxValue)
            {
                long left = deadline - Environment.TickCount64;
                if (left <= 0) return false;
                wait = (int)Math.Min(left, int.MaxValue);
            }
            _waiter.Wait(wait);
        }
    }

    /// <summary>Takes the next record if one is ready, without waiting.</summary>
    /// <exception cref="ObjectDisposedException">The reader was disposed.</exception>
    public bool TryRead(out byte[] record)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (TryTake(out var taken))
            {
                record = taken;
                return true;
            }
        }
        record = [];
        return false;
    }

    /// <summary>Takes the next record as a <typeparamref name="T"/> (its first bytes) if one is ready, without waiting.</summary>
    /// <exception cref="EventReaderException">The record is shorter than <typeparamref name="T"/>.</exception>
    /// <exception cref="ObjectDisposedException">The reader was disposed.</exception>
    public bool TryRead<T>(out T value) where T : unmanaged
    {
        if (TryRead(out byte[] record))
        {
            value = As<T>(record);
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>
    /// Every record from now on, as the kernel commits them, until <paramref name="cancellationToken"/> is cancelled:
    /// then the enumeration ends normally (no exception). Disposing the reader meanwhile ends it with
    /// <see cref="ObjectDisposedException"/>.
    /// </summary>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var registration = cancellationToken.Register(_waiter.Wake);
        while (!cancellationToken.IsCancellationRequested)
        {
            if (TryRead(out byte[] record))
            {
                yield return record;
                continue;
            }
            await Task.Run(() => _waiter.Wait(Timeout.Infinite), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Every record from now on as a <typeparamref name="T"/> (read from its first bytes), until
    /// <paramref name="cancellationToken"/> is cancelled (the enumeration then ends normally).
    /// </summary>
    /// <exception cref="EventReaderException">A record is shorter than <typeparamref name="T"/>.</exception>
    public async IAsyncEnumerable<T> ReadAllAsync<T>([EnumeratorCancellation] CancellationToken cancellationToken = default) where T : unmanaged
    {
        await foreach (var record in ReadAllAsync(cancellationToken).ConfigureAwait(false)) yield return As<T>(record.Span);
    }

    /// <summary>Whether a record is ready; called under the reader's lock, never after dispose.</summary>
    private protected abstract bool HasRecord();

    /// <summary>Copies out the next ready record and gives its space back to the kernel; called under the reader's lock.</summary>
    private protected abstract bool TryTake(out byte[] record);

    /// <summary>Unmaps memory and closes fds; called once, under the reader's lock.</summary>
    private protected abstract void Release();

    /// <summary>The reader's name in errors, e.g. <c>ring buffer 'events'</c>.</summary>
    private protected abstract string Describe();

    private T As<T>(ReadOnlySpan<byte> record) where T : unmanaged
    {
        if (record.Length < sizeof(T))
            throw new EventReaderException($"reading a {typeof(T).Name} from {Describe()}", 0,
                $"the record has {record.Length} bytes but {typeof(T).Name} needs {sizeof(T)}: make the struct match what the program writes");
        return MemoryMarshal.Read<T>(record);
    }

    /// <summary>Stops every wait, unmaps the shared memory and closes the fds. Safe to call more than once.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _waiter.Shutdown();
            Release();
        }
        _waiter.Dispose();
        GC.SuppressFinalize(this);
    }
}
