using Ebpf.Linux.Kernel;
using Ebpf.Linux.Syscalls;

namespace Ebpf.Linux.Links;

/// <summary>
/// A program attached to a hook. Dispose it to detach: a bpf link's fd is closed (the kernel detaches the program
/// unless the link is pinned), and attachments that are not bpf links (a perf event with a program set on it, a socket
/// filter) are undone the way they were made. The attach methods are extension methods of <see cref="KernelProgram"/>:
/// <see cref="XdpLinks.AttachXdp(KernelProgram, string, XdpAttachMode, string?)"/>,
/// <see cref="TcxLinks.AttachTcx(KernelProgram, string, TcxDirection, string?, ulong)"/>,
/// <see cref="TracepointLinks.AttachTracepoint(KernelProgram, string, string)"/>,
/// <see cref="RawTracepointLinks.AttachRawTracepoint(KernelProgram, string)"/>,
/// <see cref="CgroupLinks.AttachCgroup(KernelProgram, string, ProgramTypes.AttachTypeId)"/> and
/// <see cref="SocketFilterLinks.AttachSocketFilter(KernelProgram, System.Net.Sockets.Socket)"/>.
/// </summary>
public abstract class KernelLink : IDisposable
{
    private int _disposed;

    private protected KernelLink(string hook) => Hook = hook;

    /// <summary>The hook, e.g. <c>XDP on interface 'eth0' (ifindex 2, generic mode)</c>.</summary>
    public string Hook { get; }

    /// <summary>Whether this attachment is a bpf link (which has an id, can be pinned and described).</summary>
    public abstract bool IsBpfLink { get; }

    /// <summary>The kernel's id of the link (what <c>bpftool link show</c> lists); 0 when this is not a bpf link.</summary>
    public abstract uint Id { get; }

    /// <summary>Whether <see cref="Dispose"/> has run.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Pins the link at <paramref name="path"/> in the bpf file system: the program then stays attached after this process ends.</summary>
    /// <exception cref="NotSupportedException">This attachment is not a bpf link.</exception>
    /// <exception cref="KernelErrorException">The kernel refused the pin.</exception>
    public virtual void Pin(string path) => throw new NotSupportedException($"{Hook} is not a bpf link, so it cannot be pinned");

    /// <summary>The link as the kernel describes it now.</summary>
    /// <exception cref="NotSupportedException">This attachment is not a bpf link.</exception>
    public virtual KernelLinkInfo Info() => throw new NotSupportedException($"{Hook} is not a bpf link, so the kernel has no description of it");

    /// <summary>
    /// Replaces the attached program with <paramref name="program"/> in one step (BPF_LINK_UPDATE), so the hook never
    /// runs without a program; the new program must be of the same type and attach type.
    /// </summary>
    /// <exception cref="NotSupportedException">The attachment is not a bpf link.</exception>
    /// <exception cref="KernelErrorException">The kernel refused (EINVAL: another program type; EPERM; EOPNOTSUPP for hooks without update).</exception>
    public virtual void Update(Kernel.KernelProgram program) => throw new NotSupportedException($"{Hook} is not a bpf link, so its program cannot be replaced");

    /// <summary>
    /// Detaches the program from the hook now (BPF_LINK_DETACH) while the link object stays (a pinned link can be
    /// detached this way without removing the pin); <see cref="Dispose"/> still closes it.
    /// </summary>
    /// <exception cref="NotSupportedException">The attachment is not a bpf link.</exception>
    public virtual void DetachNow() => throw new NotSupportedException($"{Hook} is not a bpf link; dispose it to detach");

    /// <summary>The ids of every bpf link in the kernel now (BPF_LINK_GET_NEXT_ID), in increasing order.</summary>
    /// <exception cref="KernelErrorException">The kernel refused (EPERM without CAP_SYS_ADMIN).</exception>
    public static IReadOnlyList<uint> AllIds() => KernelObjects.Ids(BpfCommand.LinkGetNextId).ToArray();

    /// <summary>Opens the link pinned at <paramref name="path"/>; disposing it closes this fd only, the pin keeps the link.</summary>
    /// <exception cref="KernelErrorException">Nothing is pinned there, or it is not a link.</exception>
    public static KernelLink FromPin(string path) => BpfLink.Adopt(KernelObjects.OpenPinned(path), $"link pinned at '{path}'", companion: null);

    /// <summary>Detaches (see the class summary). Safe to call more than once.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Detach();
        GC.SuppressFinalize(this);
    }

    /// <summary>Undoes the attachment; called once.</summary>
    private protected abstract void Detach();

    /// <inheritdoc />
    public override string ToString() => IsBpfLink ? $"link {Id}: {Hook}" : Hook;
}
