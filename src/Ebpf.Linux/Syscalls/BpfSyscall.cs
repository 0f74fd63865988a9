using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ebpf.Linux.Syscalls;

/// <summary>
/// The raw <c>bpf(int cmd, union bpf_attr *attr, unsigned int size)</c> system call, made through libc's
/// <c>syscall()</c> since glibc has no <c>bpf()</c> wrapper.
/// </summary>
internal static unsafe partial class BpfSyscall
{
    private const long NotAvailable = -1;

    /// <summary>The system call number of <c>bpf</c> on this architecture, or -1 where we do not know it.</summary>
    public static long Number { get; } = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 321,
        Architecture.Arm64 => 280,
        Architecture.RiscV64 => 280,
        Architecture.LoongArch64 => 280,
        _ => NotAvailable,
    };

    /// <summary>
    /// Runs <paramref name="command"/> with <paramref name="attr"/> (read and, for output fields, written by the
    /// kernel) and returns the non-negative result: a new file descriptor for commands that create objects, 0 otherwise.
    /// </summary>
    /// <exception cref="KernelErrorException">The kernel refused; the exception carries errno and what to do.</exception>
    public static int Invoke<TAttr>(BpfCommand command, ref TAttr attr) where TAttr : unmanaged
    {
        int errno = TryInvoke(command, ref attr, out int result);
        if (errno != 0) throw new KernelErrorException(command, errno);
        return result;
    }

    /// <summary>
    /// Like <see cref="Invoke{TAttr}"/> but returns errno (0 on success) instead of throwing, for callers that
    /// retry or translate particular errors.
    /// </summary>
    public static int TryInvoke<TAttr>(BpfCommand command, ref TAttr attr, out int result) where TAttr : unmanaged
    {
        result = -1;
        if (!OperatingSystem.IsLinux()) return Errno.ENOSYS;
        if (Number == NotAvailable) return Errno.ENOSYS;
        long returned;
        fixed (TAttr* pointer = &attr)
        {
            returned = syscall(Number, (long)command, pointer, (long)sizeof(TAttr));
        }
        if (returned < 0) return Marshal.GetLastPInvokeError();
        result = checked((int)returned);
        return 0;
    }

    [LibraryImport("libc", SetLastError = true)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial long syscall(long number, long command, void* attr, long size);
}
