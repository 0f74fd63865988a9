using System.Runtime.InteropServices;

namespace Ebpf.Linux.Syscalls;

/// <summary>
/// A file descriptor the kernel returned for a bpf object (program, map, link, BTF). Disposing it closes the fd;
/// the kernel frees the object once no fd, pin or attachment refers to it.
/// </summary>
internal sealed partial class BpfFileDescriptor : SafeHandle
{
    /// <summary>Takes ownership of <paramref name="fd"/>.</summary>
    public BpfFileDescriptor(int fd) : base(invalidHandleValue: -1, ownsHandle: true) => SetHandle(fd);

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

    /// <summary>The fd as the kernel's <c>__u32</c> attr fields take it.</summary>
    public uint AsAttrField => (uint)Value;

    /// <inheritdoc />
    protected override bool ReleaseHandle() => close((int)handle) == 0;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    /// <inheritdoc />
    public override string ToString() => IsClosed ? "fd (closed)" : $"fd {(int)handle}";
}
