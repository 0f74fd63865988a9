using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ebpf.Linux.Events;

/// <summary>
/// <c>perf_event_open(2)</c> (through libc's <c>syscall()</c>, as glibc has no wrapper) and the perf-event ioctls.
/// </summary>
internal static unsafe partial class PerfEvents
{
    private const int TooManyOpenFiles = 24; // EMFILE

    private static long Number => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 298,
        Architecture.Arm64 or Architecture.RiscV64 or Architecture.LoongArch64 => 241,
        _ => -1,
    };

    /// <summary>Opens a perf event for <paramref name="attr"/> on <paramref name="cpu"/> (any process); errno on failure.</summary>
    public static int TryOpen(ref PerfEventAttr attr, int cpu, out LinuxFileDescriptor? fd)
    {
        fd = null;
        if (!OperatingSystem.IsLinux() || Number < 0) return Errno.ENOSYS;
        attr.Size = PerfEventAttr.Version5Size;
        const long CloseOnExec = 8; // PERF_FLAG_FD_CLOEXEC
        long result;
        fixed (PerfEventAttr* pointer = &attr)
        {
            result = syscall(Number, pointer, -1, cpu, -1, CloseOnExec);
        }
        if (result < 0) return Marshal.GetLastPInvokeError();
        fd = new LinuxFileDescriptor(checked((int)result));
        return 0;
    }

    /// <summary>ioctl(<paramref name="fd"/>, <paramref name="request"/>, <paramref name="argument"/>); errno on failure.</summary>
    public static int TryIoctl(LinuxFileDescriptor fd, ulong request, long argument) =>
        ioctl(fd.Value, request, argument) < 0 ? Marshal.GetLastPInvokeError() : 0;

    /// <summary>Where this process may not open the perf events it needs, the reason and what to do.</summary>
    public static string Advice(int errno) => errno switch
    {
        Errno.EACCES or Errno.EPERM =>
            "perf_event_open was refused: run as root or grant CAP_PERFMON (and CAP_BPF), or lower kernel.perf_event_paranoid",
        Errno.ENOENT or Errno.ENODEV => "this kernel has no such perf event (tracepoint or software event) on that CPU",
        TooManyOpenFiles => "the process has too many open files: raise its limit (ulimit -n)",
        Errno.ENOSYS => "this kernel has no perf events (CONFIG_PERF_EVENTS is off) or this architecture is not supported",
        _ => $"see perf_event_open(2) for {Errno.Name(errno)}",
    };

    [LibraryImport("libc", SetLastError = true)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial long syscall(long number, void* attr, long pid, long cpu, long groupFd, long flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ioctl(int fd, ulong request, long argument);
}
