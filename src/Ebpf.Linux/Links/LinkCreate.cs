using Ebpf.Linux.Events;
using Ebpf.Linux.Kernel;
using Ebpf.Linux.Syscalls;

namespace Ebpf.Linux.Links;

/// <summary>BPF_LINK_CREATE for every hook that makes a link with it; failures become an <see cref="AttachException"/> with the hook's advice.</summary>
internal static class LinkCreate
{
    /// <summary>Creates the link described by <paramref name="attr"/> (its program fd is filled in here).</summary>
    /// <param name="program">The program to attach.</param>
    /// <param name="attr">The target, attach type, flags and per-type fields.</param>
    /// <param name="hook">The hook, for the link's name and for errors.</param>
    /// <param name="advice">The advice for an errno (null: the generic advice).</param>
    /// <param name="companion">An fd the link needs closed with it (a perf event), owned from here on.</param>
    public static BpfLink Create(KernelProgram program, BpfAttrLinkCreate attr, string hook, Func<int, string?> advice, LinuxFileDescriptor? companion = null)
    {
        attr.ProgramFd = program.Handle.AsAttrField;
        int errno = BpfSyscall.TryInvoke(BpfCommand.LinkCreate, ref attr, out int fd);
        if (errno != 0)
        {
            companion?.Dispose();
            throw Failure(program, hook, "bpf(BPF_LINK_CREATE)", errno, advice);
        }
        return BpfLink.Adopt(new BpfFileDescriptor(fd), hook, companion);
    }

    /// <summary>The exception for <paramref name="operation"/> failing while attaching <paramref name="program"/>.</summary>
    public static AttachException Failure(KernelProgram program, string hook, string operation, int errno, Func<int, string?> advice) =>
        new(hook, operation, errno, advice(errno) ?? Generic(program, errno));

    private static string Generic(KernelProgram program, int errno) => errno switch
    {
        Errno.EPERM or Errno.EACCES => AttachException.PermissionAdvice,
        Errno.EINVAL => $"the kernel refused program '{program.Name}' ({program.Type}) for this hook: check the program type and the expected attach type it was loaded with ({program.ExpectedAttachType?.ToString() ?? "none"}), or this kernel is too old for the hook",
        Errno.ENOENT => "the hook does not exist",
        Errno.EBADF => "a file descriptor in the request is closed or of the wrong kind",
        _ => $"see bpf(2) for {Errno.Name(errno)} from BPF_LINK_CREATE",
    };
}
