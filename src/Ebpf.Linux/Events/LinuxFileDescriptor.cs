using System.Runtime.InteropServices;

namespace Ebpf.Linux.Events;

/// <summary>
/// A file descriptor that is not a bpf object (perf event, epoll, eventfd, directory). Disposing it closes the fd once no
/// call that borrowed it (<see cref="SafeHandle.DangerousAddRef"/>) is still using it.
/// </summary>
internal sealed partial class LinuxFileDescriptor : SafeHandle
{
    /// <summary>Takes ownership of <paramref name="fd"/>.</summary>
    public LinuxFileDescriptor(int fd) : base(invalidHandleValue: -1, ownsHandle: true) => SetHandle(fd);

    /// <inheritdoc />
    public override bool IsInvalid => (int)handle < 0;

    /// <summary>The fd number; throws if the descriptor is closed, so a stale number never reaches the kernel.</summary>
    public int Value
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return (int)handle;
        }
    }

    /// <summary>Opens <paramref name="path"/> read-only (O_CLOEXEC, plus O_DIRECTORY when asked); errno on failure.</summary>
    public static int TryOpen(string path, bool directory, out LinuxFileDescriptor? fd)
    {
        const int ReadOnlyCloseOnExec = 0x80000, Directory = 0x10000;
        int result = open(path, ReadOnlyCloseOnExec | (directory ? Directory : 0));
        if (result < 0)
        {
            fd = null;
            return Marshal.GetLastPInvokeError();
        }
        fd = new LinuxFileDescriptor(result);
        return 0;
    }

    /// <inheritdoc />
    protected override bool ReleaseHandle() => close((int)handle) == 0;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    /// <inheritdoc />
    public override string ToString() => IsClosed ? "fd (closed)" : $"fd {(int)handle}";
}
