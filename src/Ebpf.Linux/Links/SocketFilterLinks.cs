using System.Net.Sockets;
using Ebpf.Linux.Kernel;

namespace Ebpf.Linux.Links;

/// <summary>Attaches socket filter programs to .NET sockets (setsockopt SO_ATTACH_BPF).</summary>
public static class SocketFilterLinks
{
    /// <summary>
    /// Attaches <paramref name="program"/> (a socket_filter program) to <paramref name="socket"/>: from then on the socket
    /// receives only the packets the program accepts, cut to the length it returns (0 drops). A socket has one filter; a
    /// new one replaces the old. The program may be disposed afterwards: the socket keeps it.
    /// </summary>
    /// <exception cref="AttachException">The program is not a socket filter, or the socket refuses filters.</exception>
    public static KernelLink AttachSocketFilter(this KernelProgram program, Socket socket)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(socket);
        string hook = $"socket {socket.Handle} ({socket.AddressFamily}, {socket.SocketType}, {socket.ProtocolType})";
        Span<byte> fd = stackalloc byte[sizeof(int)];
        BitConverter.TryWriteBytes(fd, program.FileDescriptor);
        try
        {
            socket.SetRawSocketOption(SocketFilterAttachment.SocketLevel, SocketFilterAttachment.AttachBpf, fd);
        }
        catch (SocketException e)
        {
            int errno = e.NativeErrorCode;
            throw new AttachException(hook, "setsockopt(SO_ATTACH_BPF)", errno, errno switch
            {
                Errno.EINVAL => $"the kernel refused program '{program.Name}' ({program.Type}): a socket needs a socket_filter program",
                Errno.EPERM or Errno.EACCES => AttachException.PermissionAdvice,
                _ => e.Message,
            }, e);
        }
        return new SocketFilterAttachment(socket, hook);
    }
}
