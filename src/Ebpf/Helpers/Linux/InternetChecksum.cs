using System.Buffers.Binary;

namespace Ebpf.Helpers.Linux;

/// <summary>
/// The kernel's Internet-checksum arithmetic on a little-endian host (include/net/checksum.h, x86-64
/// <c>csum_partial</c>): 32-bit partial sums (<c>__wsum</c>) with end-around carry, folded to 16 bits.
/// Values are taken as the kernel takes them, in memory byte order.
/// </summary>
internal static class InternetChecksum
{
    /// <summary><c>csum_partial</c> as x86-64 computes it: 64-bit words summed with end-around carry, then folded to 32 bits.</summary>
    public static uint Partial(ReadOnlySpan<byte> data, uint seed)
    {
        ulong sum = seed;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8) sum = AddWithCarry(sum, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        if (i < data.Length)
        {
            Span<byte> tail = stackalloc byte[8];
            tail.Clear();
            data[i..].CopyTo(tail);
            sum = AddWithCarry(sum, BinaryPrimitives.ReadUInt64LittleEndian(tail));
        }
        return Add((uint)(sum >> 32), (uint)sum);
    }

    /// <summary><c>csum_add</c>.</summary>
    public static uint Add(uint a, uint b)
    {
        uint sum = unchecked(a + b);
        return sum < a ? sum + 1 : sum;
    }

    /// <summary><c>csum_sub</c>.</summary>
    public static uint Sub(uint a, uint b) => Add(a, ~b);

    /// <summary><c>csum_from32to16</c>: the 16-bit end-around fold, not complemented.</summary>
    public static ushort From32To16(uint sum)
    {
        sum = unchecked(sum + ((sum >> 16) | (sum << 16)));
        return (ushort)(sum >> 16);
    }

    /// <summary><c>csum_fold</c>: fold to 16 bits and complement.</summary>
    public static ushort Fold(uint sum)
    {
        sum = (sum & 0xffff) + (sum >> 16);
        sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)~sum;
    }

    /// <summary><c>csum_replace4</c>: the checksum after a 32-bit word changed from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static ushort Replace4(ushort check, uint from, uint to) => Fold(Add(Sub(~(uint)check, from), to));

    /// <summary><c>csum_replace2</c>, in 16-bit arithmetic.</summary>
    public static ushort Replace2(ushort check, ushort from, ushort to) =>
        (ushort)~Add16(Add16((ushort)~check, (ushort)~from), to);

    /// <summary><c>csum_replace_by_diff</c>: the checksum after adding a difference computed by <c>bpf_csum_diff</c>.</summary>
    public static ushort ReplaceByDiff(ushort check, uint diff) => Fold(Add(diff, ~(uint)check));

    private static ushort Add16(ushort a, ushort b)
    {
        ushort sum = unchecked((ushort)(a + b));
        return (ushort)(sum + (sum < b ? 1 : 0));
    }

    private static ulong AddWithCarry(ulong a, ulong b)
    {
        ulong sum = unchecked(a + b);
        return sum < a ? sum + 1 : sum;
    }
}
