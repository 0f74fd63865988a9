using Ebpf.Linux.Events;
using Ebpf.Linux.Kernel;
using Ebpf.Linux.Syscalls;
using Ebpf.ProgramTypes;

namespace Ebpf.Linux.Links;

/// <summary>
/// Attaches tracepoint programs: a PERF_TYPE_TRACEPOINT perf event (any process, CPU 0: a tracepoint runs its programs
/// on every CPU) with the program linked to it (BPF_LINK_CREATE with BPF_PERF_EVENT, Linux 5.15+), or on older kernels
/// set on it with PERF_EVENT_IOC_SET_BPF and enabled.
/// </summary>
public static class TracepointLinks
{
    /// <summary>Attaches <paramref name="program"/> to tracepoint <c>category/name</c>, e.g. <c>sched/sched_process_exec</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="tracepoint"/> is not <c>category/name</c>.</exception>
    /// <exception cref="AttachException">tracefs is missing; no such tracepoint; no privilege.</exception>
    public static KernelLink AttachTracepoint(this KernelProgram program, string tracepoint)
    {
        ArgumentNullException.ThrowIfNull(tracepoint);
        var parts = tracepoint.Split('/', ':');
        if (parts.Length != 2 || parts.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException($"'{tracepoint}' is not a tracepoint name such as sched/sched_process_exec (category/name)", nameof(tracepoint));
        return program.AttachTracepoint(parts[0], parts[1]);
    }

    /// <summary>Attaches <paramref name="program"/> to tracepoint <paramref name="category"/>/<paramref name="name"/>.</summary>
    /// <exception cref="AttachException">tracefs is missing; no such tracepoint; no privilege.</exception>
    public static KernelLink AttachTracepoint(this KernelProgram program, string category, string name) =>
        Attach(program, category, name, preferLink: true);

    /// <summary>Attaches with a perf-event link when <paramref name="preferLink"/> and the kernel has them, else with PERF_EVENT_IOC_SET_BPF.</summary>
    internal static KernelLink Attach(KernelProgram program, string category, string name, bool preferLink)
    {
        ArgumentNullException.ThrowIfNull(program);
        string hook = $"tracepoint '{category}/{name}'";
        ulong id = Tracefs.EventId(category, name, hook);
        var attr = new PerfEventAttr { Type = PerfEventConstants.TypeTracepoint, Config = id, SamplePeriod = 1, WakeupEvents = 1 };
        int errno = PerfEvents.TryOpen(ref attr, cpu: 0, out var perfEvent);
        if (errno != 0) throw new AttachException(hook, "perf_event_open(PERF_TYPE_TRACEPOINT)", errno, PerfEvents.Advice(errno));
        if (!preferLink) return SetOnEvent(program, perfEvent!, hook);
        var link = new BpfAttrLinkCreate { Target = (uint)perfEvent!.Value, AttachType = (uint)AttachTypeId.PerfEvent };
        link.ProgramFd = program.Handle.AsAttrField;
        errno = BpfSyscall.TryInvoke(BpfCommand.LinkCreate, ref link, out int linkFd);
        if (errno == 0) return BpfLink.Adopt(new BpfFileDescriptor(linkFd), hook, perfEvent);
        if (errno is not (Errno.EINVAL or Errno.EOPNOTSUPP or Errno.ENOTSUPP))
        {
            perfEvent.Dispose();
            throw LinkCreate.Failure(program, hook, "bpf(BPF_LINK_CREATE, BPF_PERF_EVENT)", errno, e => Advice(e, program));
        }
        // Before 5.15 there are no perf-event links: set the program on the event instead.
        return SetOnEvent(program, perfEvent, hook);
    }

    private static KernelLink SetOnEvent(KernelProgram program, LinuxFileDescriptor perfEvent, string hook)
    {
        int errno = PerfEvents.TryIoctl(perfEvent, PerfEventConstants.IoctlSetBpf, program.FileDescriptor);
        if (errno == 0) errno = PerfEvents.TryIoctl(perfEvent, PerfEventConstants.IoctlEnable, 0);
        if (errno != 0)
        {
            perfEvent.Dispose();
            throw LinkCreate.Failure(program, hook, "ioctl(PERF_EVENT_IOC_SET_BPF)", errno, e => Advice(e, program));
        }
        return new PerfEventAttachment(perfEvent, hook);
    }

    private static string? Advice(int errno, KernelProgram program) => errno switch
    {
        Errno.EINVAL when program.Type != ProgramTypeId.Tracepoint =>
            $"a tracepoint runs tracepoint programs (SEC(\"tracepoint/...\")), and '{program.Name}' is {program.Type}",
        Errno.EEXIST => "this program is already attached to that tracepoint",
        _ => null,
    };
}
