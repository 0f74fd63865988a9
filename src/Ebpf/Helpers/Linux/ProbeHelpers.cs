using Ebpf.Maps;
using Ebpf.Runtime;
using static Ebpf.Helpers.Linux.HelperArguments;

namespace Ebpf.Helpers.Linux;

/// <summary>
/// The probe-read helpers: copy from memory the program may not access directly. Kernel memory is the run's own
/// memory (stack, context, packet, map values) plus the host's <see cref="ProbeAddressSpace.Kernel"/> regions of
/// <see cref="RunContext.ProbeMemory"/>; user memory is its <see cref="ProbeAddressSpace.User"/> regions. Anything
/// else is a fault: the destination is zeroed and the helper returns -EFAULT, as in the kernel; a kernel read of an
/// address the x86-64 kernel never maps for itself (the user half, non-canonical addresses) is -ERANGE, as there.
/// </summary>
public static class ProbeHelpers
{
    /// <summary><c>long bpf_probe_read(void *dst, u32 size, const void *unsafe_ptr)</c>, id 4: the legacy read of kernel or user memory.</summary>
    public static readonly HelperDescriptor ProbeRead = Copy(4, "probe_read", ProbeSource.Any);

    /// <summary><c>long bpf_probe_read_str(void *dst, u32 size, const void *unsafe_ptr)</c>, id 45: the legacy string read of kernel or user memory.</summary>
    public static readonly HelperDescriptor ProbeReadStr = CopyString(45, "probe_read_str", ProbeSource.Any);

    /// <summary><c>long bpf_probe_read_user(void *dst, u32 size, const void *unsafe_ptr)</c>, id 112: 0, or -EFAULT with <c>dst</c> zeroed.</summary>
    public static readonly HelperDescriptor ProbeReadUser = Copy(112, "probe_read_user", ProbeSource.User);

    /// <summary><c>long bpf_probe_read_kernel(void *dst, u32 size, const void *unsafe_ptr)</c>, id 113: 0, or -EFAULT with <c>dst</c> zeroed.</summary>
    public static readonly HelperDescriptor ProbeReadKernel = Copy(113, "probe_read_kernel", ProbeSource.Kernel);

    /// <summary>
    /// <c>long bpf_probe_read_user_str(void *dst, u32 size, const void *unsafe_ptr)</c>, id 114: copies a NUL-terminated
    /// string (cut to <c>size - 1</c> bytes and terminated); returns its length including the NUL, or -EFAULT with <c>dst</c> zeroed.
    /// </summary>
    public static readonly HelperDescriptor ProbeReadUserStr = CopyString(114, "probe_read_user_str", ProbeSource.User);

    /// <summary><c>long bpf_probe_read_kernel_str(void *dst, u32 size, const void *unsafe_ptr)</c>, id 115: as <see cref="ProbeReadUserStr"/> for kernel memory.</summary>
    public static readonly HelperDescriptor ProbeReadKernelStr = CopyString(115, "probe_read_kernel_str", ProbeSource.Kernel);

    /// <summary>Every helper of this group.</summary>
    public static IReadOnlyList<HelperDescriptor> All { get; } =
        [ProbeRead, ProbeReadStr, ProbeReadUser, ProbeReadKernel, ProbeReadUserStr, ProbeReadKernelStr];

    private static HelperDescriptor Copy(int id, string name, ProbeSource source) => new(id, name, (r1, r2, r3, _, _, context) =>
    {
        var destination = context.GetMemory(r1, (int)Math.Min((uint)r2, int.MaxValue), write: true);
        if (ProbeReads.TryCopy(context, r3, destination, source)) return 0;
        destination.Clear();
        return Negative(FaultErrno(r3, source));
    });

    private static HelperDescriptor CopyString(int id, string name, ProbeSource source) => new(id, name, (r1, r2, r3, _, _, context) =>
    {
        var destination = context.GetMemory(r1, (int)Math.Min((uint)r2, int.MaxValue), write: true);
        int result = ProbeReads.CopyString(context, r3, destination, source);
        if (result >= 0) return (ulong)result;
        destination.Clear();
        return Negative(FaultErrno(r3, source));
    });

    /// <summary>The lowest canonical kernel address of x86-64 (4-level paging): below it, copy_from_kernel_nofault refuses with -ERANGE.</summary>
    public const ulong KernelHalfStart = 0xffff_8000_0000_0000;

    /// <summary>
    /// What a failed read returns: -ERANGE for a kernel read of an address the kernel refuses outright
    /// (copy_from_kernel_nofault_allowed: user half, non-canonical), otherwise -EFAULT.
    /// </summary>
    private static int FaultErrno(ulong address, ProbeSource source) =>
        source == ProbeSource.Kernel && address < KernelHalfStart ? Errno.ERANGE : Errno.EFAULT;
}
