using System.Buffers.Binary;
using Ebpf.Maps;
using Ebpf.ProgramTypes;
using Skb = Ebpf.ProgramTypes.SkBuffContext;

namespace Ebpf.TestRuns;

/// <summary>
/// The kernel's rules for a <c>__sk_buff</c> context in and out of an skb test run (<c>convert___skb_to_skb</c> and
/// <c>convert_skb_to___skb</c> in net/bpf/test_run.c): which fields the caller may set, which are checked, and which
/// come back.
/// </summary>
internal static unsafe class SkBuffContextIn
{
    /// <summary>GSO_MAX_SEGS.</summary>
    private const int MaxGsoSegments = 65535;

    /// <summary>GSO_LEGACY_MAX_SIZE: the largest wire_len a caller may claim.</summary>
    private const int MaxWireLength = 65536;

    /// <summary>The byte ranges a caller may set: everything else in ctx_in must be zero.</summary>
    private static readonly (int Start, int End, string Name)[] Settable =
    [
        (Skb.Mark, Skb.Mark + 4, "mark"), (Skb.Priority, Skb.Priority + 4, "priority"),
        (Skb.IngressIfindex, Skb.IngressIfindex + 4, "ingress_ifindex"), (Skb.Ifindex, Skb.Ifindex + 4, "ifindex"),
        (Skb.Cb, Skb.Cb + Skb.CbSize, "cb"), (Skb.Tstamp, Skb.Tstamp + 8, "tstamp"), (Skb.WireLen, Skb.WireLen + 4, "wire_len"),
        (Skb.GsoSegs, Skb.GsoSegs + 4, "gso_segs"), (Skb.GsoSize, Skb.GsoSize + 4, "gso_size"), (Skb.Hwtstamp, Skb.Hwtstamp + 8, "hwtstamp"),
    ];

    /// <summary>The ifindex of the loopback device, the only one a user-space test run has.</summary>
    public const int Loopback = 1;

    /// <summary>Reads ctx_in into a full-size <c>__sk_buff</c>, refusing what the kernel refuses before building the skb.</summary>
    public static byte[] Read(ProgramType type, byte[]? contextIn)
    {
        byte[] ctx = ContextBytes.Read(type, contextIn, Skb.Size);
        for (int offset = 0; offset < Skb.Size; offset++)
        {
            if (ctx[offset] == 0 || Settable.Any(r => offset >= r.Start && offset < r.End)) continue;
            throw new TestRunException(Errno.EINVAL,
                $"ctx_in of a {type.Name} test run sets byte {offset} of __sk_buff ({FieldAt(type, offset)}); only {string.Join(", ", Settable.Select(r => r.Name))} may be non-zero");
        }
        uint ifindex = BinaryPrimitives.ReadUInt32LittleEndian(ctx.AsSpan(Skb.Ifindex));
        if (ifindex > Loopback)
            throw new TestRunException(Errno.ENODEV,
                $"ctx_in of a {type.Name} test run names ifindex {ifindex}; a user-space test run has only the loopback device (ifindex 0 or 1)");
        return ctx;
    }

    /// <summary>
    /// Applies the caller's fields to the run's context, after the packet is in place, as <c>convert___skb_to_skb</c>:
    /// wire_len must lie between the skb's length and 64 KiB (0 means the skb's length), gso_segs at most 65535.
    /// </summary>
    public static void Apply(ProgramType type, byte[] ctx, byte* context, uint skbLength)
    {
        var span = ctx.AsSpan();
        uint wireLength = BinaryPrimitives.ReadUInt32LittleEndian(span[Skb.WireLen..]);
        if (wireLength != 0 && (wireLength < skbLength || wireLength > MaxWireLength))
            throw new TestRunException(Errno.EINVAL,
                $"ctx_in of a {type.Name} test run gives wire_len {wireLength}; it must be 0 or between the packet's length {skbLength} and {MaxWireLength}");
        uint gsoSegments = BinaryPrimitives.ReadUInt32LittleEndian(span[Skb.GsoSegs..]);
        if (gsoSegments > MaxGsoSegments)
            throw new TestRunException(Errno.EINVAL, $"ctx_in of a {type.Name} test run gives gso_segs {gsoSegments}; at most {MaxGsoSegments}");

        foreach (int offset in new[] { Skb.Mark, Skb.Priority, Skb.IngressIfindex, Skb.GsoSegs, Skb.GsoSize })
            *(uint*)(context + offset) = BinaryPrimitives.ReadUInt32LittleEndian(span[offset..]);
        *(ulong*)(context + Skb.Tstamp) = BinaryPrimitives.ReadUInt64LittleEndian(span[Skb.Tstamp..]);
        *(ulong*)(context + Skb.Hwtstamp) = BinaryPrimitives.ReadUInt64LittleEndian(span[Skb.Hwtstamp..]);
        span.Slice(Skb.Cb, Skb.CbSize).CopyTo(new Span<byte>(context + Skb.Cb, Skb.CbSize));
        *(uint*)(context + Skb.WireLen) = wireLength == 0 ? skbLength : wireLength;
    }

    /// <summary>ctx_out: the caller's context with the fields the kernel copies back taken from the run (<c>convert_skb_to___skb</c>).</summary>
    public static byte[] Write(byte[] ctx, byte* context)
    {
        var output = (byte[])ctx.Clone();
        var live = new ReadOnlySpan<byte>(context, Skb.Size);
        foreach (var (offset, size) in new[]
        {
            (Skb.Mark, 4), (Skb.Priority, 4), (Skb.IngressIfindex, 4), (Skb.Ifindex, 4), (Skb.Cb, Skb.CbSize), (Skb.Tstamp, 8),
            (Skb.WireLen, 4), (Skb.GsoSegs, 4), (Skb.Hwtstamp, 8),
        })
            live.Slice(offset, size).CopyTo(output.AsSpan(offset));
        return output;
    }

    private static string FieldAt(ProgramType type, int offset)
    {
        var field = type.Fields.FirstOrDefault(f => offset >= f.Offset && offset < f.End);
        return field is null ? "a field test runs do not take" : field.Name;
    }
}
