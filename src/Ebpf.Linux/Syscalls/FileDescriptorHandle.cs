using System.Runtime.InteropServices;

namespace Ebpf.Linux.Syscalls;

/// <summary>
/// A Linux file descriptor this process owns. Disposing it closes the fd exactly once, and only after every call that
/// borrowed it (<see cref="SafeHandle.DangerousAddRef"/>) is done with it.
/// </summary>
internal abstract partial class FileDescriptorHandle : SafeHandle
{
    /// <summary>Takes ownership of <paramref name="fd"/>.</summary>
    protected FileDescriptorHandle(int fd) : base(invalidHandleValue: -1, ownsHandle: true) => SetHandle(fd);

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

    /// <inheritdoc />
    protected override bool ReleaseHandle() => close((int)handle) == 0;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    /// <inheritdoc />
    public override string ToString() => IsClosed ? "fd (closed)" : $"fd {(int)handle}";
}
