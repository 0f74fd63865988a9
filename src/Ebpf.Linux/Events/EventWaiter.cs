using System.Runtime.InteropServices;

namespace Ebpf.Linux.Events;

/// <summary>
/// An epoll set over the fds a reader watches, plus an eventfd that <see cref="Wake"/> signals so that a blocked
/// <see cref="Wait"/> returns at once (on cancellation), and <see cref="Shutdown"/> for good (on dispose).
/// </summary>
internal sealed unsafe partial class EventWaiter : IDisposable
{
    private const int EpollIn = 1, EpollControlAdd = 1, CloseOnExec = 0x80000, NonBlocking = 0x800, Interrupted = 4;
    private const ulong WakeToken = ulong.MaxValue;
    private const int Capacity = 8;

    private readonly LinuxFileDescriptor _epoll;
    private readonly LinuxFileDescriptor _wake;
    private volatile bool _shutdown;

    private EventWaiter(LinuxFileDescriptor epoll, LinuxFileDescriptor wake)
    {
        _epoll = epoll;
        _wake = wake;
    }

    /// <summary>Creates the epoll set and the wake-up eventfd.</summary>
    /// <exception cref="EventReaderException">The kernel refused (out of fds or memory).</exception>
    public static EventWaiter Create()
    {
        int epoll = epoll_create1(CloseOnExec);
        if (epoll < 0) throw new EventReaderException("epoll_create1", Marshal.GetLastPInvokeError(), "");
        var epollFd = new LinuxFileDescriptor(epoll);
        int wake = eventfd(0, CloseOnExec | NonBlocking);
        if (wake < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            epollFd.Dispose();
            throw new EventReaderException("eventfd", errno, "");
        }
        var waiter = new EventWaiter(epollFd, new LinuxFileDescriptor(wake));
        try
        {
            waiter.Add(wake, WakeToken);
        }
        catch
        {
            waiter.Dispose();
            throw;
        }
        return waiter;
    }

    /// <summary>Watches <paramref name="fd"/> for readability.</summary>
    public void Add(int fd, ulong token)
    {
        var item = stackalloc byte[16];
        *(uint*)item = EpollIn;
        *(ulong*)(item + DataOffset) = token;
        if (epoll_ctl(_epoll.Value, EpollControlAdd, fd, item) < 0)
            throw new EventReaderException("epoll_ctl(EPOLL_CTL_ADD)", Marshal.GetLastPInvokeError(), "");
    }

    /// <summary>
    /// Blocks until a watched fd is readable, <see cref="Wake"/> or <see cref="Shutdown"/> is called, or
    /// <paramref name="timeoutMilliseconds"/> pass (-1: no limit). Returns false on a timeout or wake-up, true when data may
    /// be ready. Safe against a concurrent dispose.
    /// </summary>
    public bool Wait(int timeoutMilliseconds)
    {
        bool epollHeld = false, wakeHeld = false;
        try
        {
            _epoll.DangerousAddRef(ref epollHeld);
            _wake.DangerousAddRef(ref wakeHeld);
            var ready = stackalloc byte[Capacity * EventSize];
            int count;
            do
            {
                count = epoll_wait((int)_epoll.DangerousGetHandle(), ready, Capacity, timeoutMilliseconds);
            }
            while (count < 0 && Marshal.GetLastPInvokeError() == Interrupted);
            if (count < 0) throw new EventReaderException("epoll_wait", Marshal.GetLastPInvokeError(), "");
            bool data = false;
            for (int i = 0; i < count; i++)
            {
                if (*(ulong*)(ready + i * EventSize + DataOffset) != WakeToken) data = true;
                else if (!_shutdown) DrainWake();
            }
            return data;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            if (wakeHeld) _wake.DangerousRelease();
            if (epollHeld) _epoll.DangerousRelease();
        }
    }

    /// <summary>Makes the current (or next) wait return at once.</summary>
    public void Wake() => Signal();

    /// <summary>Makes every current and future wait return at once, for good (before dispose).</summary>
    public void Shutdown()
    {
        _shutdown = true;
        Signal();
    }

    private void Signal()
    {
        bool held = false;
        try
        {
            _wake.DangerousAddRef(ref held);
            ulong one = 1;
            _ = write((int)_wake.DangerousGetHandle(), &one, sizeof(ulong));
        }
        catch (ObjectDisposedException)
        {
            // Already closed: nobody can be waiting on it any more.
        }
        finally
        {
            if (held) _wake.DangerousRelease();
        }
    }

    private void DrainWake()
    {
        ulong value;
        _ = read((int)_wake.DangerousGetHandle(), &value, sizeof(ulong));
    }

    /// <summary>Closes the epoll set and the eventfd (after any wait still running returns).</summary>
    public void Dispose()
    {
        _epoll.Dispose();
        _wake.Dispose();
    }

    // struct epoll_event: packed (12 bytes) on x86-64, naturally aligned (16 bytes) elsewhere.
    private static readonly bool Packed = RuntimeInformation.ProcessArchitecture == Architecture.X64;
    private static int EventSize => Packed ? 12 : 16;
    private static int DataOffset => Packed ? 4 : 8;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_ctl(int epoll, int operation, int fd, byte* item);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_wait(int epoll, byte* events, int capacity, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int eventfd(uint initial, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint read(int fd, void* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(int fd, void* buffer, nuint count);
}
