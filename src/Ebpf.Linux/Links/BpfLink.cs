using Ebpf.Linux.Events;
using Ebpf.Linux.Kernel;
using Ebpf.Linux.Syscalls;

namespace Ebpf.Linux.Links;

/// <summary>
/// A bpf link held by its fd; closing the fd detaches the program unless the link is pinned. A companion fd (the perf
/// event of a tracepoint link) is closed with it.
/// </summary>
internal sealed class BpfLink : KernelLink
{
    private readonly BpfFileDescriptor _fd;
    private readonly LinuxFileDescriptor? _companion;

    private BpfLink(BpfFileDescriptor fd, string hook, LinuxFileDescriptor? companion, uint id) : base(hook)
    {
        _fd = fd;
        _companion = companion;
        Id = id;
    }

    public override bool IsBpfLink => true;

    public override uint Id { get; }

    /// <summary>Takes ownership of a new link fd (and <paramref name="companion"/>), closing both if describing the link fails.</summary>
    public static BpfLink Adopt(BpfFileDescriptor fd, string hook, LinuxFileDescriptor? companion)
    {
        try
        {
            return new BpfLink(fd, hook, companion, KernelObjects.LinkInfo(fd).Id);
        }
        catch
        {
            fd.Dispose();
            companion?.Dispose();
            throw;
        }
    }

    public override void Pin(string path)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        KernelObjects.Pin(_fd, path);
    }

    public override KernelLinkInfo Info()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return KernelLinkInfo.From(KernelObjects.LinkInfo(_fd));
    }

    public override unsafe void Update(KernelProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var attr = new BpfAttrLinkUpdate { LinkFd = _fd.AsAttrField, NewProgramFd = program.Handle.AsAttrField };
        int errno = BpfSyscall.TryInvoke(BpfCommand.LinkUpdate, ref attr, out _);
        if (errno != 0) throw new KernelErrorException(BpfCommand.LinkUpdate, errno, detail: $"{this} with program '{program.Name}'");
    }

    public override void DetachNow()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var attr = new BpfAttrLinkUpdate { LinkFd = _fd.AsAttrField };
        int errno = BpfSyscall.TryInvoke(BpfCommand.LinkDetach, ref attr, out _);
        if (errno != 0) throw new KernelErrorException(BpfCommand.LinkDetach, errno, detail: ToString());
    }

    private protected override void Detach()
    {
        _fd.Dispose();
        _companion?.Dispose();
    }
}
