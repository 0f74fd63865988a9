using System.Text;
using Ebpf.Linux.Kernel;
using Ebpf.Linux.Syscalls;

namespace Ebpf.Linux.Links;

/// <summary>Attaches raw tracepoint programs by tracepoint name (BPF_RAW_TRACEPOINT_OPEN, which returns a link).</summary>
public static class RawTracepointLinks
{
    /// <summary>
    /// Attaches <paramref name="program"/> (a raw_tracepoint program) to the raw tracepoint <paramref name="name"/>: the
    /// tracepoint's name without its category, e.g. <c>sys_enter</c> or <c>sched_switch</c>.
    /// </summary>
    /// <exception cref="AttachException">No such tracepoint; the program is of another type; no privilege.</exception>
    public static unsafe KernelLink AttachRawTracepoint(this KernelProgram program, string name)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentException.ThrowIfNullOrEmpty(name);
        string hook = $"raw tracepoint '{name}'";
        var bytes = new byte[Encoding.UTF8.GetByteCount(name) + 1];
        Encoding.UTF8.GetBytes(name, bytes);
        fixed (byte* pointer = bytes)
        {
            var attr = new BpfAttrRawTracepointOpen { Name = (ulong)pointer, ProgramFd = program.Handle.AsAttrField };
            int errno = BpfSyscall.TryInvoke(BpfCommand.RawTracepointOpen, ref attr, out int fd);
            if (errno != 0) throw LinkCreate.Failure(program, hook, "bpf(BPF_RAW_TRACEPOINT_OPEN)", errno, e => Advice(e, name, program));
            return BpfLink.Adopt(new BpfFileDescriptor(fd), hook, companion: null);
        }
    }

    private static string? Advice(int errno, string name, KernelProgram program) => errno switch
    {
        Errno.ENOENT => $"there is no raw tracepoint '{name}': use a tracepoint's name without its category (sys_enter, sched_switch, …)",
        Errno.EINVAL => $"the kernel refused program '{program.Name}' ({program.Type}) for a raw tracepoint: it must be a raw_tracepoint program, " +
                        "and it may not read more arguments than the tracepoint has",
        _ => null,
    };
}
