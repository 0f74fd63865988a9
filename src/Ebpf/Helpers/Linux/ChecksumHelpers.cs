using System.Buffers.Binary;
using Ebpf.Maps;
using static Ebpf.Helpers.Linux.HelperArguments;

namespace Ebpf.Helpers.Linux;

/// <summary>
/// The checksum helpers with the kernel's contracts (net/core/filter.c). A test-run skb carries no checksum state
/// (CHECKSUM_NONE), so the replace helpers rewrite the checksum field only, as the kernel does for such an skb.
/// </summary>
public static unsafe class ChecksumHelpers
{
    /// <summary>BPF_F_HDR_FIELD_MASK: the low bits of the flags give the size of the changed field (0, 2 or 4).</summary>
    public const ulong HeaderFieldMask = 0xf;

    /// <summary>BPF_F_PSEUDO_HDR: the field is part of the pseudo-header.</summary>
    public const ulong PseudoHeader = 1 << 4;

    /// <summary>BPF_F_MARK_MANGLED_0: a zero checksum (UDP: none) stays zero, and a result of zero is written as 0xffff.</summary>
    public const ulong MarkMangled0 = 1 << 5;

    /// <summary>BPF_F_MARK_ENFORCE: with <see cref="MarkMangled0"/>, update a zero checksum too.</summary>
    public const ulong MarkEnforce = 1 << 6;

    /// <summary>BPF_F_IPV6: the packet is IPv6 (matters only for checksum offload state).</summary>
    public const ulong Ipv6 = 1 << 7;

    /// <summary>CSUM_MANGLED_0: how a computed zero UDP checksum is written.</summary>
    public const ushort Mangled0 = 0xffff;

    /// <summary>
    /// <c>s64 bpf_csum_diff(__be32 *from, u32 from_size, __be32 *to, u32 to_size, __wsum seed)</c>, id 28: the
    /// checksum difference between two buffers (or the sum of one), folded to 16 bits as Linux 6.13 and later return
    /// it; with both sizes zero, the seed folded.
    /// </summary>
    public static readonly HelperDescriptor CsumDiff = new(28, "csum_diff", (r1, r2, r3, r4, r5, context) =>
    {
        uint fromSize = (uint)r2, toSize = (uint)r4, seed = (uint)r5;
        ReadOnlySpan<byte> from = fromSize == 0 ? [] : context.GetMemory(r1, (int)Math.Min(fromSize, int.MaxValue), write: false);
        ReadOnlySpan<byte> to = toSize == 0 ? [] : context.GetMemory(r3, (int)Math.Min(toSize, int.MaxValue), write: false);
        if (fromSize != 0 && toSize != 0)
            return InternetChecksum.From32To16(InternetChecksum.Sub(InternetChecksum.Partial(to, seed), InternetChecksum.Partial(from, 0)));
        if (toSize != 0) return InternetChecksum.From32To16(InternetChecksum.Partial(to, seed));
        if (fromSize != 0) return InternetChecksum.From32To16(~InternetChecksum.Partial(from, ~seed));
        return InternetChecksum.From32To16(seed);
    });

    /// <summary>
    /// <c>long bpf_l3_csum_replace(struct sk_buff *skb, u32 offset, u64 from, u64 to, u64 flags)</c>, id 10: updates
    /// the 16-bit checksum at <c>offset</c> for a field that changed from <c>from</c> to <c>to</c> (flags: its size,
    /// 2 or 4; 0 means <c>to</c> is a <c>bpf_csum_diff</c> result). -EINVAL for other flags, -EFAULT for an odd offset
    /// or one outside the packet.
    /// </summary>
    public static readonly HelperDescriptor L3CsumReplace = new(10, "l3_csum_replace", (r1, r2, r3, r4, r5, context) =>
    {
        var frame = PacketFrames.WritableSkb(r1, context, "l3_csum_replace");
        uint offset = (uint)r2;
        if ((r5 & ~HeaderFieldMask) != 0) return Negative(Errno.EINVAL);
        if (!TryChecksumField(frame, offset, out var field)) return Negative(Errno.EFAULT);
        ushort check = BinaryPrimitives.ReadUInt16LittleEndian(field);
        if (Replace(check, r5, r3, r4, widenHalfwords: false) is not { } replaced) return Negative(Errno.EINVAL);
        BinaryPrimitives.WriteUInt16LittleEndian(field, replaced);
        return 0;
    });

    /// <summary>
    /// <c>long bpf_l4_csum_replace(struct sk_buff *skb, u32 offset, u64 from, u64 to, u64 flags)</c>, id 11: as
    /// <see cref="L3CsumReplace"/> for a transport checksum, with <see cref="PseudoHeader"/>, <see cref="MarkMangled0"/>,
    /// <see cref="MarkEnforce"/> and <see cref="Ipv6"/> also allowed in the flags.
    /// </summary>
    public static readonly HelperDescriptor L4CsumReplace = new(11, "l4_csum_replace", (r1, r2, r3, r4, r5, context) =>
    {
        var frame = PacketFrames.WritableSkb(r1, context, "l4_csum_replace");
        uint offset = (uint)r2;
        bool mangled0 = (r5 & MarkMangled0) != 0, enforce = (r5 & MarkEnforce) != 0;
        if ((r5 & ~(MarkMangled0 | MarkEnforce | PseudoHeader | HeaderFieldMask | Ipv6)) != 0) return Negative(Errno.EINVAL);
        if (!TryChecksumField(frame, offset, out var field)) return Negative(Errno.EFAULT);
        ushort check = BinaryPrimitives.ReadUInt16LittleEndian(field);
        if (mangled0 && !enforce && check == 0) return 0;
        // inet_proto_csum_replace2 widens the 16-bit values and takes the 32-bit path.
        if (Replace(check, r5, r3, r4, widenHalfwords: true) is not { } replaced) return Negative(Errno.EINVAL);
        check = replaced;
        if (mangled0 && check == 0) check = Mangled0;
        BinaryPrimitives.WriteUInt16LittleEndian(field, check);
        return 0;
    });

    /// <summary>Every helper of this group.</summary>
    public static IReadOnlyList<HelperDescriptor> All { get; } = [CsumDiff, L3CsumReplace, L4CsumReplace];

    /// <summary>The 2-byte checksum field at <paramref name="offset"/>: false (EFAULT) when it is odd, too far or outside the packet.</summary>
    private static bool TryChecksumField(TestRuns.PacketFrame frame, uint offset, out Span<byte> field)
    {
        field = default;
        if (offset > 0xffff || (offset & 1) != 0 || offset + 2UL > frame.DataEnd - frame.Data) return false;
        field = new Span<byte>((void*)(frame.Data + offset), 2);
        return true;
    }

    /// <summary>
    /// The checksum after replacing <paramref name="from"/> with <paramref name="to"/>, by the size in the low flag bits
    /// (0: <paramref name="to"/> is a precomputed difference and <paramref name="from"/> must be 0; 2 or 4 bytes); null
    /// (EINVAL) for any other size.
    /// </summary>
    private static ushort? Replace(ushort check, ulong flags, ulong from, ulong to, bool widenHalfwords) => (flags & HeaderFieldMask) switch
    {
        0 => from == 0 ? InternetChecksum.ReplaceByDiff(check, (uint)to) : null,
        2 => widenHalfwords ? InternetChecksum.Replace4(check, (ushort)from, (ushort)to) : InternetChecksum.Replace2(check, (ushort)from, (ushort)to),
        4 => InternetChecksum.Replace4(check, (uint)from, (uint)to),
        _ => null,
    };
}
