using System.Text;
using Ebpf.Helpers.Linux.Printf;
using Ebpf.Maps;
using Ebpf.Runtime;
using static Ebpf.Helpers.Linux.HelperArguments;

namespace Ebpf.Helpers.Linux;

/// <summary><c>bpf_trace_printk</c> and <c>bpf_snprintf</c>, with the kernel's format rules (<see cref="BpfPrintf"/>).</summary>
public static class PrintHelpers
{
    /// <summary>MAX_TRACE_PRINTK_VARARGS: <c>bpf_trace_printk</c> takes three arguments.</summary>
    public const int TracePrintkArguments = 3;

    /// <summary>
    /// <c>long bpf_trace_printk(const char *fmt, u32 fmt_size, ...)</c>, id 6: formats up to three arguments and writes
    /// the message to the run's <see cref="RunContext.TraceSink"/> (at most 1023 bytes of it). Returns the length of the
    /// whole message, or -EINVAL (no NUL within <c>fmt_size</c>, a bad or excess conversion, a non-printable character).
    /// </summary>
    public static readonly HelperDescriptor TracePrintk = new(6, "trace_printk", (r1, r2, r3, r4, r5, context) =>
        Trace(context.GetMemory(r1, (int)Math.Min((uint)r2, int.MaxValue), write: false), [r3, r4, r5], context));

    /// <summary>
    /// <c>long bpf_trace_vprintk(const char *fmt, u32 fmt_size, const void *data, u32 data_len)</c>, id 177: as
    /// <see cref="TracePrintk"/> with up to 12 arguments in an array of u64 (what libbpf's <c>bpf_printk</c> uses for
    /// more than three); -EINVAL when <c>data_len</c> is not a multiple of 8 or exceeds 12 arguments.
    /// </summary>
    public static readonly HelperDescriptor TraceVprintk = new(177, "trace_vprintk", (r1, r2, r3, r4, _, context) =>
    {
        var format = context.GetMemory(r1, (int)Math.Min((uint)r2, int.MaxValue), write: false);
        uint dataLength = (uint)r4;
        if (dataLength % 8 != 0 || dataLength > BpfPrintf.MaxArguments * 8 || dataLength != 0 && r3 == 0)
            return Negative(Errno.EINVAL);
        return Trace(format, Arguments(r3, dataLength, context), context);
    });

    /// <summary>
    /// <c>long bpf_snprintf(char *str, u32 str_size, const char *fmt, u64 *data, u32 data_len)</c>, id 165: formats
    /// into <c>str</c> (cut to <c>str_size</c>, always NUL-terminated when not empty) and returns the length of the
    /// whole text plus one for the NUL; -EINVAL when <c>data_len</c> is not a multiple of 8, exceeds 12 arguments, or
    /// the format is bad.
    /// </summary>
    public static readonly HelperDescriptor Snprintf = new(165, "snprintf", (r1, r2, r3, r4, r5, context) =>
    {
        uint size = (uint)r2, dataLength = (uint)r5;
        if (r1 == 0 && size != 0) throw Fault(context, "snprintf", $"argument 1 is NULL but argument 2 gives a size of {size} bytes");
        var output = r1 == 0 ? Span<byte>.Empty : context.GetMemory(r1, (int)Math.Min(size, int.MaxValue), write: true);
        var format = ConstantString(r3, context, "snprintf", 3);
        if (dataLength % 8 != 0 || dataLength > BpfPrintf.MaxArguments * 8 || dataLength != 0 && r4 == 0)
            return Negative(Errno.EINVAL);
        int err = BpfPrintf.Prepare(format, Arguments(r4, dataLength, context), context, out var specs);
        if (err < 0) return Negative(-err);
        return (ulong)(BpfPrintf.Render(format, specs, output) + 1);
    });

    /// <summary>Every helper of this group.</summary>
    public static IReadOnlyList<HelperDescriptor> All { get; } = [TracePrintk, Snprintf, TraceVprintk];

    /// <summary>Formats into the 1024-byte trace buffer, hands the message to the sink, returns its whole length.</summary>
    private static ulong Trace(ReadOnlySpan<byte> format, ReadOnlySpan<ulong> arguments, RunContext context)
    {
        int nul = format.IndexOf((byte)0);
        if (nul < 0) return Negative(Errno.EINVAL);
        int err = BpfPrintf.Prepare(format[..nul], arguments, context, out var specs);
        if (err < 0) return Negative(-err);
        var buffer = new byte[BpfPrintf.TraceBufferSize];
        int length = BpfPrintf.Render(format[..nul], specs, buffer);
        context.TraceSink?.Invoke(Encoding.UTF8.GetString(buffer, 0, Math.Min(length, buffer.Length - 1)));
        return (ulong)length;
    }

    private static ulong[] Arguments(ulong address, uint length, RunContext context) =>
        length == 0 ? [] : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(context.GetMemory(address, (int)length, write: false)).ToArray();
}
