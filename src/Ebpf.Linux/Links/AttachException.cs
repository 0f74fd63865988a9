namespace Ebpf.Linux.Links;

/// <summary>
/// A program could not be attached to its hook. The message names the hook (interface, tracepoint, cgroup, socket),
/// what failed and what to do about it.
/// </summary>
public sealed class AttachException : EbpfException
{
    /// <summary>Creates the exception for attaching to <paramref name="hook"/> failing in <paramref name="operation"/>.</summary>
    /// <param name="hook">The hook, e.g. <c>XDP on interface 'eth0'</c>.</param>
    /// <param name="operation">The call that failed, e.g. <c>bpf(LinkCreate)</c>.</param>
    /// <param name="errno">The errno, or 0 when no system call failed.</param>
    /// <param name="advice">What to do about it.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public AttachException(string hook, string operation, int errno, string advice, Exception? inner = null)
        : base($"attaching to {hook}: {operation} failed{(errno != 0 ? $" with {Errno.Name(errno)}" : "")}: {advice}", inner)
    {
        Hook = hook;
        Operation = operation;
        ErrorNumber = errno;
    }

    /// <summary>The hook the program was to be attached to.</summary>
    public string Hook { get; }

    /// <summary>The call that failed.</summary>
    public string Operation { get; }

    /// <summary>The errno, or 0.</summary>
    public int ErrorNumber { get; }

    /// <summary>Whether the failure is a missing privilege (EPERM or EACCES).</summary>
    public bool IsPermissionDenied => ErrorNumber is Errno.EPERM or Errno.EACCES;

    /// <summary>The advice for EPERM/EACCES, shared by every hook.</summary>
    internal const string PermissionAdvice =
        "this process may not attach programs: run as root or grant CAP_BPF with CAP_NET_ADMIN (network hooks) or CAP_PERFMON (tracing)";
}
