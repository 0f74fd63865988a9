using System.Buffers.Binary;
using Ebpf.Maps;
using Ebpf.ProgramTypes;

namespace Ebpf.TestRuns;

/// <summary>
/// The kernel's rules for an <c>xdp_md</c> context in and out of an XDP test run (<c>bpf_prog_test_run_xdp</c>,
/// <c>xdp_convert_md_to_buff</c>, <c>xdp_convert_buff_to_md</c> in net/bpf/test_run.c).
/// </summary>
internal static class XdpContextIn
{
    /// <summary>sizeof(struct xdp_md).</summary>
    public const int Size = 24;

    /// <summary>Field offsets of <c>struct xdp_md</c>.</summary>
    public const int Data = 0, DataEnd = 4, DataMeta = 8, IngressIfindex = 12, RxQueueIndex = 16, EgressIfindex = 20;

    /// <summary>The largest metadata: the u8 <c>skb_shared_info.meta_len</c> (<c>xdp_metalen_invalid</c>).</summary>
    public const int MaxMetadata = 255;

    /// <summary>Receive queues of the loopback device, the only device of a user-space run.</summary>
    private const int LoopbackQueues = 1;

    /// <summary>sizeof(struct xdp_frame): the headroom the metadata must leave for it.</summary>
    private const int XdpFrameSize = 40;

    /// <summary>
    /// Reads and checks ctx_in against <paramref name="dataLength"/> bytes of data and returns it with the length of
    /// the metadata that starts the data (<c>ctx->data</c>) and of the linear part (<c>ctx->data_end</c>, metadata
    /// included); the kernel puts the bytes after the linear part into fragments.
    /// </summary>
    public static (byte[] Context, int MetadataLength, int LinearLength) Read(ProgramType type, byte[]? contextIn, int dataLength)
    {
        byte[] ctx = ContextBytes.Read(type, contextIn, Size);
        uint data = Field(ctx, Data), dataEnd = Field(ctx, DataEnd);
        if (Field(ctx, DataMeta) != 0)
            throw Invalid(type, "data_meta must be 0: the metadata starts the data");
        if (dataEnd > dataLength)
            throw Invalid(type, $"data_end ({dataEnd}) lies beyond the {dataLength} bytes of data");
        if (data > dataEnd)
            throw Invalid(type, $"data ({data}) lies after data_end ({dataEnd})");
        if (data % 4 != 0 || data > MaxMetadata || data > PacketFrame.XdpHeadroom - XdpFrameSize)
            throw Invalid(type, $"data ({data}) is the metadata's length: a multiple of 4 of at most {PacketFrame.XdpHeadroom - XdpFrameSize}");
        if (dataLength - data < TestRunner.EthernetHeaderLength)
            throw Invalid(type, $"the packet after {data} bytes of metadata must hold an Ethernet header");
        return (ctx, (int)data, (int)dataEnd);
    }

    /// <summary>Checks the device fields (<c>xdp_convert_md_to_buff</c>) and returns the ingress ifindex and queue the program sees.</summary>
    public static (uint Ifindex, uint Queue) Device(ProgramType type, byte[] ctx)
    {
        uint ingress = Field(ctx, IngressIfindex), queue = Field(ctx, RxQueueIndex);
        if (Field(ctx, EgressIfindex) != 0)
            throw Invalid(type, "egress_ifindex must be 0");
        if (ingress == 0 && queue != 0)
            throw Invalid(type, $"rx_queue_index {queue} needs an ingress_ifindex");
        if (ingress == 0) return (SkBuffContextIn.Loopback, 0);
        if (ingress != SkBuffContextIn.Loopback)
            throw new TestRunException(Errno.ENODEV,
                $"ctx_in of a {type.Name} test run names ingress_ifindex {ingress}; a user-space test run has only the loopback device (ifindex 1)");
        if (queue >= LoopbackQueues)
            throw Invalid(type, $"rx_queue_index {queue} does not exist: the loopback device has {LoopbackQueues} receive queue");
        return (ingress, queue);
    }

    /// <summary>ctx_out: the caller's context with data and data_end as offsets from the metadata after the run.</summary>
    public static byte[] Write(byte[] ctx, PacketFrame frame)
    {
        var output = (byte[])ctx.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(Data), (uint)(frame.Data - frame.DataMeta));
        BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(DataEnd), (uint)(frame.DataEnd - frame.DataMeta));
        return output;
    }

    private static uint Field(byte[] ctx, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(ctx.AsSpan(offset));

    private static TestRunException Invalid(ProgramType type, string why) =>
        new(Errno.EINVAL, $"ctx_in of a {type.Name} test run is refused: {why}");
}
