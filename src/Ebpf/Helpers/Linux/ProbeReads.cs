using Ebpf.Maps;
using Ebpf.Runtime;

namespace Ebpf.Helpers.Linux;

/// <summary>Which memory a probe read may reach.</summary>
internal enum ProbeSource
{
    /// <summary>Kernel memory: the run's own regions (stack, context, packet, map values) and the host's kernel probe regions.</summary>
    Kernel,
    /// <summary>The host's user probe regions.</summary>
    User,
    /// <summary>Either (legacy <c>bpf_probe_read</c>, <c>%s</c>): on x86-64 the kernel picks by address, here any region serves.</summary>
    Any,
}

/// <summary>
/// The kernel's "nofault" reads (<c>copy_from_kernel_nofault</c>, <c>strncpy_from_user_nofault</c>, …) against the
/// memory a run may probe: an unreadable byte is a fault reported as -EFAULT, never a host access.
/// </summary>
internal static unsafe class ProbeReads
{
    public static bool Readable(RunContext context, ulong address, ulong size, ProbeSource source)
    {
        if (size == 0) return true;
        if (address + size < address) return false;
        var probes = context.ProbeMemory;
        return source switch
        {
            ProbeSource.Kernel => context.CanRead(address, size) || probes?.Contains(address, size, ProbeAddressSpace.Kernel) == true,
            ProbeSource.User => probes?.Contains(address, size, ProbeAddressSpace.User) == true,
            _ => Readable(context, address, size, ProbeSource.Kernel) || Readable(context, address, size, ProbeSource.User),
        };
    }

    /// <summary>Copies <paramref name="into"/>.Length bytes; false (nothing copied) when any of them is unreadable.</summary>
    public static bool TryCopy(RunContext context, ulong address, Span<byte> into, ProbeSource source)
    {
        if (!Readable(context, address, (ulong)into.Length, source)) return false;
        new ReadOnlySpan<byte>((void*)address, into.Length).CopyTo(into);
        return true;
    }

    /// <summary>
    /// <c>strncpy_from_*_nofault</c>: copies a NUL-terminated string into <paramref name="into"/>, at most its length
    /// including the NUL (a longer string is cut and NUL-terminated). Returns the bytes written including the NUL, 0
    /// for an empty buffer, or -EFAULT when a byte before the end is unreadable.
    /// </summary>
    public static int CopyString(RunContext context, ulong address, Span<byte> into, ProbeSource source)
    {
        if (into.Length == 0) return 0;
        for (int i = 0; i < into.Length; i++)
        {
            if (!Readable(context, address + (ulong)i, 1, source))
            {
                into[0] = 0;
                return -Errno.EFAULT;
            }
            byte b = *(byte*)(address + (ulong)i);
            into[i] = b;
            if (b == 0) return i + 1;
        }
        into[^1] = 0;
        return into.Length;
    }
}
