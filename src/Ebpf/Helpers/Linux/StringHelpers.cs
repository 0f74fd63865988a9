using Ebpf.Maps;
using Ebpf.Runtime;
using static Ebpf.Helpers.Linux.HelperArguments;

namespace Ebpf.Helpers.Linux;

/// <summary><c>bpf_strtol</c>, <c>bpf_strtoul</c> and <c>bpf_strncmp</c> with the kernel's rules (kernel/bpf/helpers.c).</summary>
public static unsafe class StringHelpers
{
    /// <summary>BPF_STRTOX_BASE_MASK: the flag bits that give the base (0, 8, 10 or 16); any other bit is -EINVAL.</summary>
    public const ulong BaseMask = 0x1f;

    /// <summary>
    /// <c>long bpf_strtol(const char *buf, size_t buf_len, u64 flags, long *res)</c>, id 105: parses a signed integer
    /// after optional whitespace and '-'; writes it through <c>res</c> (0 on error) and returns the characters consumed;
    /// -EINVAL (bad base or flags, no digits), -ERANGE (overflow).
    /// </summary>
    public static readonly HelperDescriptor Strtol = new(105, "strtol", (r1, r2, r3, r4, _, context) =>
    {
        var result = Result(r4, context, "strtol");
        result.Clear();
        int consumed = ParseUnsigned(Buffer(r1, r2, context, "strtol"), r3, out ulong magnitude, out bool negative);
        if (consumed < 0) return Negative(-consumed);
        long value;
        if (negative)
        {
            if ((long)(0 - magnitude) > 0) return Negative(Errno.ERANGE);
            value = (long)(0 - magnitude);
        }
        else
        {
            if ((long)magnitude < 0) return Negative(Errno.ERANGE);
            value = (long)magnitude;
        }
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(result, value);
        return (ulong)consumed;
    });

    /// <summary>
    /// <c>long bpf_strtoul(const char *buf, size_t buf_len, u64 flags, unsigned long *res)</c>, id 106: as
    /// <see cref="Strtol"/> for an unsigned integer; a leading '-' is -EINVAL.
    /// </summary>
    public static readonly HelperDescriptor Strtoul = new(106, "strtoul", (r1, r2, r3, r4, _, context) =>
    {
        var result = Result(r4, context, "strtoul");
        result.Clear();
        int consumed = ParseUnsigned(Buffer(r1, r2, context, "strtoul"), r3, out ulong value, out bool negative);
        if (consumed < 0) return Negative(-consumed);
        if (negative) return Negative(Errno.EINVAL);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(result, value);
        return (ulong)consumed;
    });

    /// <summary>
    /// <c>long bpf_strncmp(const char *s1, u32 s1_sz, const char *s2)</c>, id 182: compares at most <c>s1_sz</c> bytes
    /// (stopping at a NUL) as unsigned characters; returns -1, 0 or 1 as the kernel's <c>strncmp</c>.
    /// </summary>
    public static readonly HelperDescriptor Strncmp = new(182, "strncmp", (r1, r2, r3, _, _, context) =>
    {
        var s1 = context.GetMemory(r1, (int)Math.Min((uint)r2, int.MaxValue), write: false);
        var s2 = ConstantString(r3, context, "strncmp", 3);
        for (int i = 0; i < s1.Length; i++)
        {
            byte a = s1[i], b = i < s2.Length ? s2[i] : (byte)0;
            if (a != b) return a < b ? ulong.MaxValue : 1;
            if (a == 0) break;
        }
        return 0;
    });

    /// <summary>Every helper of this group.</summary>
    public static IReadOnlyList<HelperDescriptor> All { get; } = [Strtol, Strtoul, Strncmp];

    private static ReadOnlySpan<byte> Buffer(ulong address, ulong length, RunContext context, string helper) =>
        length == 0 ? [] : context.GetMemory(address, (int)Math.Min(length, int.MaxValue), write: false);

    private static Span<byte> Result(ulong address, RunContext context, string helper) =>
        context.GetMemory(address, sizeof(long), write: true);

    /// <summary>
    /// __bpf_strtoull: whitespace, an optional '-', then at most 63 characters parsed in the base the flags give
    /// (0: "0x" hexadecimal, "0" octal, else decimal). Returns the characters consumed or a negative errno.
    /// </summary>
    private static int ParseUnsigned(ReadOnlySpan<byte> buffer, ulong flags, out ulong value, out bool negative)
    {
        value = 0;
        negative = false;
        uint radix = (uint)(flags & BaseMask);
        if (buffer.Length == 0 || radix is not (0 or 8 or 10 or 16) || (flags & ~BaseMask) != 0) return -Errno.EINVAL;
        int position = 0;
        while (position < buffer.Length && IsSpace(buffer[position])) position++;
        negative = position < buffer.Length && buffer[position] == '-';
        if (negative) position++;
        if (position == buffer.Length) return -Errno.EINVAL;
        // The kernel parses a NUL-terminated copy of at most 63 bytes.
        var text = buffer[position..Math.Min(buffer.Length, position + 63)];
        int start = 0;
        if (radix == 0)
        {
            if (At(text, 0) == '0')
                radix = (At(text, 1) | 0x20) == 'x' && IsHexDigit(At(text, 2)) ? 16u : 8u;
            else
                radix = 10;
        }
        if (radix == 16 && At(text, 0) == '0' && (At(text, 1) | 0x20) == 'x') start = 2;
        bool overflow = false;
        int digits = 0;
        for (int i = start; i < text.Length; i++, digits++)
        {
            uint digit = DigitValue(text[i]);
            if (digit >= radix) break;
            // _parse_integer marks overflow and keeps consuming digits.
            if (value > (ulong.MaxValue - digit) / radix) overflow = true;
            value = unchecked(value * radix + digit);
        }
        if (overflow) return -Errno.ERANGE;
        if (digits == 0) return -Errno.EINVAL;
        return position + start + digits;
    }

    private static byte At(ReadOnlySpan<byte> text, int index) => index < text.Length ? text[index] : (byte)0;

    /// <summary>The kernel's isspace: \t \n \v \f \r, space, and 0xA0 (its ctype table is Latin-1).</summary>
    private static bool IsSpace(byte c) => c is (byte)' ' or >= 9 and <= 13 or 0xa0;

    private static bool IsHexDigit(byte c) => DigitValue(c) < 16;

    private static uint DigitValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => (uint)(c - '0'),
        >= (byte)'a' and <= (byte)'f' => (uint)(c - 'a' + 10),
        >= (byte)'A' and <= (byte)'F' => (uint)(c - 'A' + 10),
        _ => uint.MaxValue,
    };
}
