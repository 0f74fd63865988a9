using System.Net.Sockets;

namespace Ebpf.Linux.Links;

/// <summary>
/// A socket filter set with SO_ATTACH_BPF: not a bpf link. Dispose removes it (SO_DETACH_BPF) unless the socket is
/// closed already, which removes it anyway.
/// </summary>
internal sealed class SocketFilterAttachment(Socket socket, string hook) : KernelLink(hook)
{
    internal const int SocketLevel = 1, AttachBpf = 50, DetachBpf = 27; // SOL_SOCKET, SO_ATTACH_BPF, SO_DETACH_BPF

    public override bool IsBpfLink => false;

    public override uint Id => 0;

    private protected override void Detach()
    {
        try
        {
            socket.SetRawSocketOption(SocketLevel, DetachBpf, stackalloc byte[sizeof(int)]);
        }
        catch (ObjectDisposedException)
        {
            // The socket is closed, and its filter with it.
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.NotSocket || e.NativeErrorCode == Errno.ENOENT)
        {
            // ENOENT: the filter was removed already (by the socket's owner).
        }
    }
}
