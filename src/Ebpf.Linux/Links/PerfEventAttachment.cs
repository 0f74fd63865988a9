using Ebpf.Linux.Events;

namespace Ebpf.Linux.Links;

/// <summary>
/// A program set on a perf event with PERF_EVENT_IOC_SET_BPF (kernels before 5.15 have no perf-event links): not a
/// bpf link, so it has no id and cannot be pinned. Dispose disables the event and closes it, which detaches the program.
/// </summary>
internal sealed class PerfEventAttachment(LinuxFileDescriptor perfEvent, string hook) : KernelLink(hook)
{
    public override bool IsBpfLink => false;

    public override uint Id => 0;

    private protected override void Detach()
    {
        if (!perfEvent.IsClosed) PerfEvents.TryIoctl(perfEvent, PerfEventConstants.IoctlDisable, 0);
        perfEvent.Dispose();
    }
}
