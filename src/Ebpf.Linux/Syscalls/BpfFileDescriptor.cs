namespace Ebpf.Linux.Syscalls;

/// <summary>
/// A file descriptor the kernel returned for a bpf object (program, map, link, BTF). Disposing it closes the fd;
/// the kernel frees the object once no fd, pin or attachment refers to it.
/// </summary>
internal sealed class BpfFileDescriptor : FileDescriptorHandle
{
    /// <summary>Takes ownership of <paramref name="fd"/>.</summary>
    public BpfFileDescriptor(int fd) : base(fd)
    {
    }

    /// <summary>The fd as the kernel's <c>__u32</c> attr fields take it.</summary>
    public uint AsAttrField => (uint)Value;
}
