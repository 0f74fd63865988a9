using Ebpf.Linux.Syscalls;

namespace Ebpf.Linux;

/// <summary>
/// The kernel refused a <c>bpf()</c> command. Carries the command, errno and, for a program the verifier rejected,
/// the verifier's log; the message says what to do about it.
/// </summary>
public sealed class KernelErrorException : EbpfException
{
    /// <summary>Creates the exception for <paramref name="command"/> failing with <paramref name="errno"/>.</summary>
    /// <param name="command">The bpf command that failed.</param>
    /// <param name="errno">The error number the kernel returned.</param>
    /// <param name="verifierLog">The verifier log of a failed program load, if one was collected.</param>
    /// <param name="detail">Which object the command was about ("map 'counters'", "program 'xdp_main'"), for the message.</param>
    public KernelErrorException(BpfCommand command, int errno, string? verifierLog = null, string? detail = null)
        : base(Describe(command, errno, verifierLog, detail))
    {
        Command = command;
        ErrorNumber = errno;
        VerifierLog = string.IsNullOrEmpty(verifierLog) ? null : verifierLog;
    }

    /// <summary>The bpf command that failed.</summary>
    public BpfCommand Command { get; }

    /// <summary>The error number (errno) the kernel returned.</summary>
    public int ErrorNumber { get; }

    /// <summary>The symbolic name of <see cref="ErrorNumber"/>, such as <c>EPERM</c>.</summary>
    public string ErrorName => Errno.Name(ErrorNumber);

    /// <summary>The verifier's log for a rejected program load, or null when there is none.</summary>
    public string? VerifierLog { get; }

    /// <summary>Whether the failure is a permission problem rather than a problem with the request.</summary>
    public bool IsPermissionDenied => ErrorNumber is Errno.EPERM or Errno.EACCES && VerifierLog is null;

    private static string Describe(BpfCommand command, int errno, string? log, string? detail)
    {
        string what = $"bpf({command}){(detail is null ? "" : " for " + detail)} failed with {Errno.Name(errno)}";
        bool isLoad = command == BpfCommand.ProgramLoad;
        bool hasLog = !string.IsNullOrEmpty(log);
        string advice = errno switch
        {
            Errno.EPERM when !hasLog =>
                "the process may not use bpf(): run as root or grant CAP_BPF (with CAP_PERFMON and CAP_NET_ADMIN for " +
                "tracing and networking programs) or CAP_SYS_ADMIN; check kernel.unprivileged_bpf_disabled and any " +
                "seccomp or LSM policy of the container",
            Errno.EACCES when !hasLog =>
                "access denied: an LSM (SELinux, AppArmor, Landlock) or a BPF token policy refused this command, or an " +
                "fd or pinned path in it is not accessible to this process",
            Errno.ENOSYS =>
                "this kernel has no bpf() system call (CONFIG_BPF_SYSCALL is off), a seccomp filter blocks it, or this " +
                "is not Linux on x86_64, arm64, riscv64 or loongarch64",
            (Errno.EINVAL or Errno.EACCES or Errno.EPERM) when isLoad && hasLog =>
                "the verifier rejected the program; its log below ends with the reason, after the instruction it " +
                "refused",
            Errno.EINVAL when isLoad =>
                "the kernel rejected the load attributes or the program before verification (unknown program type, " +
                "flag or opcode for this kernel)",
            Errno.EINVAL =>
                "the kernel rejected the attributes of this command: a field is out of range or unknown to this kernel",
            Errno.ENOSPC when isLoad =>
                "the verifier log did not fit in the log buffer; retry with a bigger buffer",
            Errno.ENOSPC =>
                "an output buffer is too small for what the kernel wanted to write",
            Errno.E2BIG =>
                "the request is larger than this kernel accepts (too many instructions, or attr fields this kernel " +
                "does not know are non-zero)",
            Errno.ENOMEM =>
                "the kernel is out of memory for bpf objects; on kernels before 5.11 raise RLIMIT_MEMLOCK (ulimit -l)",
            Errno.EBADF =>
                "a file descriptor in the request is not open or is not a bpf object of the expected kind",
            Errno.ENOTSUPP or Errno.EOPNOTSUPP =>
                "this kernel does not support the operation for this program or map type",
            Errno.EEXIST when command == BpfCommand.ObjectPin =>
                "something is already pinned at that path: remove it (rm) or pin elsewhere",
            Errno.ENOENT when command == BpfCommand.ObjectGet =>
                "nothing is pinned at that path",
            Errno.ENOENT when command is BpfCommand.ProgramGetFdById or BpfCommand.MapGetFdById or BpfCommand.LinkGetFdById or BpfCommand.BtfGetFdById =>
                "no object has that id (it may have been unloaded)",
            Errno.EFAULT =>
                "the kernel could not read or write a buffer the request points to",
            _ => "see bpf(2) for what this error means for this command",
        };
        string message = $"{what}: {advice}";
        return hasLog ? $"{message}\nverifier log:\n{log!.TrimEnd()}" : message;
    }
}
