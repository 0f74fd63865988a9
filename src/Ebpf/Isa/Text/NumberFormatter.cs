using System.Globalization;

namespace Ebpf.Isa.Text;

/// <summary>Writes numbers the way <c>llvm-objdump</c> does: signed, in decimal (<c>-8</c>) or hexadecimal (<c>-0x8</c>).</summary>
internal static class NumberFormatter
{
    /// <summary>A signed number: <c>5</c>, <c>-1</c> or <c>0x5</c>, <c>-0x1</c>.</summary>
    public static string Signed(long value, ImmediateRadix radix)
    {
        if (radix == ImmediateRadix.Decimal) return value.ToString(CultureInfo.InvariantCulture);
        return value < 0 ? "-" + Hex(unchecked(0UL - (ulong)value)) : Hex((ulong)value);
    }

    /// <summary>A signed distance with an explicit sign: <c>+3</c>, <c>-5</c>, <c>+0</c> or <c>+0x3</c>, <c>-0x5</c>.</summary>
    public static string Relative(long value, ImmediateRadix radix) => value < 0 ? Signed(value, radix) : "+" + Signed(value, radix);

    /// <summary>
    /// A memory offset with its operator, as in <c>(r1 + 8)</c> and <c>(r10 - 8)</c>: <c>"+ 8"</c>, <c>"- 8"</c>,
    /// <c>"+ 0x8"</c> or <c>"- 0x8"</c>.
    /// </summary>
    public static string OffsetTerm(long value, ImmediateRadix radix) =>
        value < 0 ? "- " + Signed(-value, radix) : "+ " + Signed(value, radix);

    /// <summary>An unsigned 64-bit number in hexadecimal with all sixteen digits, for raw slots.</summary>
    public static string Raw64(ulong value) => "0x" + value.ToString("x16", CultureInfo.InvariantCulture);

    private static string Hex(ulong magnitude) => "0x" + magnitude.ToString("x", CultureInfo.InvariantCulture);
}
