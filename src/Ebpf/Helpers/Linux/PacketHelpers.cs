using Ebpf.Maps;
using Ebpf.ProgramTypes;
using Ebpf.Runtime;
using Ebpf.TestRuns;
using static Ebpf.Helpers.Linux.HelperArguments;

namespace Ebpf.Helpers.Linux;

/// <summary>Packet helpers with their Linux ids and the kernel's checks: moving an XDP packet's start, end and metadata, reading skb bytes.</summary>
public static unsafe class PacketHelpers
{
    /// <summary>The room the kernel keeps at the start of an XDP frame for <c>struct xdp_frame</c>.</summary>
    public const int XdpFrameReserve = 40;

    /// <summary>The most metadata bytes before an XDP packet.</summary>
    public const int MaxMetadata = 32;

    /// <summary><c>long bpf_xdp_adjust_head(struct xdp_md *ctx, int delta)</c>, id 44: moves the packet's start (negative grows it).</summary>
    public static readonly HelperDescriptor XdpAdjustHead = new(44, "xdp_adjust_head", (r1, r2, _, _, _, context) =>
    {
        var frame = Frame(r1, context, "xdp_adjust_head");
        long delta = (int)r2;
        ulong metaLength = frame.Data - frame.DataMeta;
        ulong data = frame.Data + (ulong)delta;
        if (data < frame.Low + XdpFrameReserve + metaLength || data > frame.DataEnd - TestRunner.EthernetHeaderLength)
            return unchecked((ulong)-Errno.EINVAL);
        if (metaLength > 0) Buffer.MemoryCopy((void*)frame.DataMeta, (void*)(frame.DataMeta + (ulong)delta), (long)metaLength, (long)metaLength);
        frame.DataMeta += (ulong)delta;
        frame.Data = data;
        frame.Moved?.Invoke();
        return 0;
    });

    /// <summary><c>long bpf_xdp_adjust_meta(struct xdp_md *ctx, int delta)</c>, id 54: moves the metadata's start.</summary>
    public static readonly HelperDescriptor XdpAdjustMeta = new(54, "xdp_adjust_meta", (r1, r2, _, _, _, context) =>
    {
        var frame = Frame(r1, context, "xdp_adjust_meta");
        ulong meta = frame.DataMeta + (ulong)(long)(int)r2;
        if (meta < frame.Low + XdpFrameReserve || meta > frame.Data) return unchecked((ulong)-Errno.EINVAL);
        ulong length = frame.Data - meta;
        if (length > MaxMetadata || length % 4 != 0) return unchecked((ulong)-Errno.EACCES);
        frame.DataMeta = meta;
        frame.Moved?.Invoke();
        return 0;
    });

    /// <summary><c>long bpf_xdp_adjust_tail(struct xdp_md *ctx, int delta)</c>, id 65: moves the packet's end; growth is zero-filled.</summary>
    public static readonly HelperDescriptor XdpAdjustTail = new(65, "xdp_adjust_tail", (r1, r2, _, _, _, context) =>
    {
        var frame = Frame(r1, context, "xdp_adjust_tail");
        long delta = (int)r2;
        ulong end = frame.DataEnd + (ulong)delta;
        if (end > frame.High || end < frame.Data + TestRunner.EthernetHeaderLength) return unchecked((ulong)-Errno.EINVAL);
        if (delta > 0) new Span<byte>((void*)frame.DataEnd, (int)delta).Clear();
        frame.DataEnd = end;
        frame.Moved?.Invoke();
        return 0;
    });

    /// <summary><c>long bpf_skb_load_bytes(const void *skb, u32 offset, void *to, u32 len)</c>, id 26: copies packet bytes; out of range, -EFAULT and <c>to</c> zeroed.</summary>
    public static readonly HelperDescriptor SkbLoadBytes = new(26, "skb_load_bytes", (r1, r2, r3, r4, _, context) =>
    {
        var frame = Frame(r1, context, "skb_load_bytes");
        uint offset = (uint)r2, length = (uint)r4;
        var destination = context.GetMemory(r3, (int)Math.Min(length, int.MaxValue), write: true);
        ulong packetLength = frame.DataEnd - frame.Data;
        if (length == 0 || (ulong)offset + length > packetLength)
        {
            destination.Clear();
            return unchecked((ulong)-Errno.EFAULT);
        }
        new ReadOnlySpan<byte>((void*)(frame.Data + offset), (int)length).CopyTo(destination);
        return 0;
    });

    /// <summary>BPF_F_RECOMPUTE_CSUM: update skb->csum for the change (a test-run skb has none to update).</summary>
    public const ulong RecomputeChecksum = 1;

    /// <summary>BPF_F_INVALIDATE_HASH: clear skb->hash.</summary>
    public const ulong InvalidateHash = 2;

    /// <summary>
    /// <c>long bpf_skb_store_bytes(struct sk_buff *skb, u32 offset, const void *from, u32 len, u64 flags)</c>, id 9
    /// (tc): copies <c>len</c> bytes into the packet at <c>offset</c>; -EINVAL for unknown flags, -EFAULT when the
    /// bytes do not lie inside the packet.
    /// </summary>
    public static readonly HelperDescriptor SkbStoreBytes = new(9, "skb_store_bytes", (r1, r2, r3, r4, r5, context) =>
    {
        var frame = PacketFrames.WritableSkb(r1, context, "skb_store_bytes");
        uint offset = (uint)r2, length = (uint)r4;
        var source = context.GetMemory(r3, (int)Math.Min(length, int.MaxValue), write: false);
        if ((r5 & ~(RecomputeChecksum | InvalidateHash)) != 0) return unchecked((ulong)-Errno.EINVAL);
        if (offset > int.MaxValue || (ulong)offset + length > frame.DataEnd - frame.Data) return unchecked((ulong)-Errno.EFAULT);
        source.CopyTo(new Span<byte>((void*)(frame.Data + offset), (int)length));   // CopyTo handles overlap
        if ((r5 & InvalidateHash) != 0) *(uint*)(frame.Context + SkBuffContext.Hash) = 0;
        return 0;
    });

    /// <summary>Every packet helper.</summary>
    public static IReadOnlyList<HelperDescriptor> All { get; } = [XdpAdjustHead, XdpAdjustMeta, XdpAdjustTail, SkbLoadBytes, SkbStoreBytes];

    private static PacketFrame Frame(ulong contextArgument, RunContext context, string helper) => PacketFrames.Of(contextArgument, context, helper);
}
