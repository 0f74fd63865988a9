using Ebpf.Capture;

namespace Ebpf.Tests.Capture;

public class CaptureFormatTests
{
    private static CapturedPacket[] SamplePackets(LinkType linkType = LinkType.Ethernet) =>
    [
        new(1_700_000_000_123_456_789, linkType, [.. Enumerable.Range(0, 60).Select(i => (byte)i)], 60),
        new(1_700_000_001_000_001_000, linkType, [0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 1, 2, 3, 4, 5, 6, 0x08, 0x00, 0x45], 1514),
        new(1_700_000_002_999_999_999, linkType, [.. Enumerable.Repeat((byte)0x5a, 1500)], 1500),
        new(1_700_000_003_000_000_000, linkType, [7], 1),
    ];

    private static List<CapturedPacket> ReadAll(byte[] file, out CaptureFormatException? error)
    {
        var packets = new List<CapturedPacket>();
        error = null;
        try
        {
            using var reader = CaptureFile.OpenRead(new MemoryStream(file), "test.cap");
            while (reader.TryRead(out var packet)) packets.Add(packet);
        }
        catch (CaptureFormatException e)
        {
            error = e;
        }
        return packets;
    }

    private static byte[] Pcap(IEnumerable<CapturedPacket> packets, TimestampResolution resolution, bool bigEndian, LinkType linkType = LinkType.Ethernet)
    {
        var stream = new MemoryStream();
        using (var writer = new PcapWriter(stream, linkType, resolution, bigEndian: bigEndian, leaveOpen: true))
            foreach (var packet in packets) writer.Write(packet);
        return stream.ToArray();
    }

    [Theory]
    [InlineData(TimestampResolution.Microseconds, false)]
    [InlineData(TimestampResolution.Microseconds, true)]
    [InlineData(TimestampResolution.Nanoseconds, false)]
    [InlineData(TimestampResolution.Nanoseconds, true)]
    public void Pcap_round_trips_in_both_byte_orders_and_resolutions(TimestampResolution resolution, bool bigEndian)
    {
        var sample = SamplePackets();
        var file = Pcap(sample, resolution, bigEndian);
        uint magic = resolution == TimestampResolution.Nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4;
        Assert.Equal(bigEndian ? magic : System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(magic),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(file));
        Assert.Equal(24 + sample.Sum(p => 16 + p.Data.Length), file.Length);

        using var reader = new PcapReader(new MemoryStream(file));
        Assert.Equal(resolution, reader.Resolution);
        Assert.Equal(bigEndian, reader.BigEndian);
        Assert.Equal(LinkType.Ethernet, reader.LinkType);
        Assert.Equal(262144u, reader.SnapshotLength);
        var read = ReadAll(file, out var error);
        Assert.Null(error);
        Assert.Equal(sample.Length, read.Count);
        for (int i = 0; i < sample.Length; i++)
        {
            long expectedTime = resolution == TimestampResolution.Nanoseconds ? sample[i].TimestampNanoseconds : sample[i].TimestampNanoseconds / 1000 * 1000;
            Assert.Equal(expectedTime, read[i].TimestampNanoseconds);
            Assert.Equal(sample[i].Data, read[i].Data);
            Assert.Equal(sample[i].OriginalLength, read[i].OriginalLength);
            Assert.Equal(i + 1, read[i].Record);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Pcapng_round_trips_several_interfaces_and_simple_packets(bool bigEndian)
    {
        var stream = new MemoryStream();
        using (var writer = new PcapNgWriter(stream, bigEndian, "unit test", leaveOpen: true))
        {
            Assert.Equal(0, writer.AddInterface(LinkType.Ethernet, 65535, "eth0"));
            Assert.Equal(1, writer.AddInterface(LinkType.LinuxSll2, 0, "any"));
            writer.Write(new CapturedPacket(1_700_000_000_123_456_789, LinkType.Ethernet, [1, 2, 3, 4, 5], 5, 0));
            writer.Write(new CapturedPacket(1_700_000_000_223_456_789, LinkType.LinuxSll2, [.. new byte[20], 0x45], 21, 1));
            writer.WriteSimple(new CapturedPacket(0, LinkType.Ethernet, [9, 8, 7, 6, 5, 4, 3], 7));
            writer.Write(new CapturedPacket(1_800_000_000_000_000_001, LinkType.Ethernet, [.. Enumerable.Repeat((byte)1, 100)], 1000, 0));
        }
        var file = stream.ToArray();
        Assert.Equal(0, file.Length % 4);

        using var reader = new PcapNgReader(new MemoryStream(file));
        Assert.Equal(bigEndian, reader.BigEndian);
        Assert.Equal("unit test", reader.Application);
        var packets = new List<CapturedPacket>();
        while (reader.TryRead(out var packet)) packets.Add(packet);
        Assert.Equal(2, reader.Interfaces.Count);
        Assert.Equal(("eth0", LinkType.Ethernet, 65535u, 1_000_000_000L), (reader.Interfaces[0].Name, reader.Interfaces[0].LinkType, reader.Interfaces[0].SnapshotLength, reader.Interfaces[0].UnitsPerSecond));
        Assert.Equal(("any", LinkType.LinuxSll2, 0u), (reader.Interfaces[1].Name, reader.Interfaces[1].LinkType, reader.Interfaces[1].SnapshotLength));
        Assert.Equal(4, packets.Count);
        Assert.Equal((1_700_000_000_123_456_789L, LinkType.Ethernet, 0, 5), (packets[0].TimestampNanoseconds, packets[0].LinkType, packets[0].InterfaceId, packets[0].OriginalLength));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, packets[0].Data);
        Assert.Equal((1_700_000_000_223_456_789L, LinkType.LinuxSll2, 1), (packets[1].TimestampNanoseconds, packets[1].LinkType, packets[1].InterfaceId));
        Assert.Equal(0x45, packets[1].Data[20]);
        Assert.Equal(new byte[] { 9, 8, 7, 6, 5, 4, 3 }, packets[2].Data);
        Assert.Equal((0L, 7), (packets[2].TimestampNanoseconds, packets[2].OriginalLength));
        Assert.Equal((1_800_000_000_000_000_001L, 1000, 100), (packets[3].TimestampNanoseconds, packets[3].OriginalLength, packets[3].Data.Length));
        Assert.Equal([1L, 2, 3, 4], packets.Select(p => p.Record));
    }

    [Fact]
    public void Pcapng_timestamps_follow_if_tsresol_and_if_tsoffset_and_sections_may_change_byte_order()
    {
        // Hand-built: section 1 little-endian with a microsecond interface (default resolution) offset by 10 s; section 2
        // big-endian with a 2^-10 s interface.
        var file = new List<byte>();
        file.AddRange(Block(false, 0x0A0D0D0A, [0x4D, 0x3C, 0x2B, 0x1A, 1, 0, 0, 0, .. Enumerable.Repeat((byte)0xff, 8)]));
        file.AddRange(Block(false, 1, [1, 0, 0, 0, 0, 0, 0, 0, 14, 0, 8, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
        file.AddRange(Block(false, 6, [0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x42, 0x0f, 0x00, 1, 0, 0, 0, 1, 0, 0, 0, 0xee, 0, 0, 0]));
        file.AddRange(Block(true, 0x0A0D0D0A, [0x1A, 0x2B, 0x3C, 0x4D, 0, 1, 0, 0, .. Enumerable.Repeat((byte)0xff, 8)]));
        file.AddRange(Block(true, 1, [0, 101, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 0x8a, 0, 0, 0, 0, 0, 0, 0]));
        file.AddRange(Block(true, 6, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0c, 0x00, 0, 0, 0, 1, 0, 0, 0, 1, 0x45, 0, 0, 0]));
        var packets = ReadAll([.. file], out var error);
        Assert.Null(error);
        Assert.Equal(2, packets.Count);
        Assert.Equal(11_000_000_000L, packets[0].TimestampNanoseconds); // 1,000,000 µs + 10 s
        Assert.Equal(LinkType.Ethernet, packets[0].LinkType);
        Assert.Equal(new byte[] { 0xee }, packets[0].Data);
        Assert.Equal(3_000_000_000L, packets[1].TimestampNanoseconds); // 0xc00 units of 1/1024 s
        Assert.Equal(LinkType.Raw, packets[1].LinkType);
    }

    private static byte[] Block(bool bigEndian, uint type, byte[] body)
    {
        var block = new byte[12 + body.Length];
        var bytes = new Writer(bigEndian);
        bytes.UInt32(block, 0, type);
        bytes.UInt32(block, 4, (uint)block.Length);
        body.CopyTo(block, 8);
        bytes.UInt32(block, block.Length - 4, (uint)block.Length);
        return block;
    }

    private readonly record struct Writer(bool BigEndian)
    {
        public void UInt32(byte[] to, int at, uint value)
        {
            if (BigEndian) System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(to.AsSpan(at), value);
            else System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(to.AsSpan(at), value);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_pcap_cut_anywhere_gives_the_whole_records_before_the_cut_and_names_the_damaged_one(bool nanoseconds)
    {
        var sample = SamplePackets();
        var file = Pcap(sample, nanoseconds ? TimestampResolution.Nanoseconds : TimestampResolution.Microseconds, bigEndian: false);
        var recordStarts = new List<int> { 24 };
        foreach (var p in sample) recordStarts.Add(recordStarts[^1] + 16 + p.Data.Length);
        for (int cut = 24; cut < file.Length; cut++)
        {
            var packets = ReadAll(file[..cut], out var error);
            int complete = recordStarts.Count(start => start <= cut) - 1;
            Assert.Equal(complete, packets.Count);
            for (int i = 0; i < complete; i++) Assert.Equal(sample[i].Data, packets[i].Data);
            if (recordStarts.Contains(cut))
            {
                Assert.Null(error);
                continue;
            }
            Assert.NotNull(error);
            Assert.Equal(recordStarts[complete], error.Offset);
            Assert.Equal($"record {complete + 1}", error.Place);
            Assert.Equal(complete, error.PacketsBefore);
            Assert.StartsWith($"test.cap: record {complete + 1} at byte offset {recordStarts[complete]}: the ", error.Message);
        }
    }

    [Fact]
    public void A_pcap_cut_messages_say_what_is_missing()
    {
        var file = Pcap(SamplePackets(), TimestampResolution.Microseconds, false);
        ReadAll(file[..(24 + 16 + 60 + 7)], out var header);
        Assert.Equal("test.cap: record 2 at byte offset 100: the file ends 7 bytes into the 16-byte record header (1 packet(s) before it were read)", header!.Message);
        ReadAll(file[..(24 + 16 + 60 + 16 + 5)], out var data);
        Assert.Equal("test.cap: record 2 at byte offset 100: the record announces 15 bytes of packet data but the file ends after 5 (1 packet(s) before it were read)", data!.Message);
        ReadAll(file[..10], out var fileHeader);
        Assert.Equal("test.cap: file header at byte offset 0: the file ends after 10 bytes, inside the 24-byte file header (0 packet(s) before it were read)", fileHeader!.Message);
    }

    [Fact]
    public void A_pcap_record_longer_than_any_snapshot_is_corruption()
    {
        var file = Pcap(SamplePackets(), TimestampResolution.Microseconds, false);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(24 + 16 + 60 + 8), 0x7fff_0000);
        var packets = ReadAll(file, out var error);
        Assert.Single(packets);
        Assert.Contains("record 2 at byte offset 100: the record announces 2147418112 captured bytes, more than the snapshot length 262144", error!.Message);
    }

    [Fact]
    public void A_pcapng_cut_anywhere_gives_the_packets_of_whole_blocks_before_the_cut()
    {
        var stream = new MemoryStream();
        var sample = SamplePackets();
        using (var writer = new PcapNgWriter(stream, leaveOpen: true))
        {
            writer.AddInterface(LinkType.Ethernet);
            foreach (var p in sample) writer.Write(p);
        }
        var file = stream.ToArray();
        // Block boundaries: walk the total lengths.
        var starts = new List<int>();
        for (int at = 0; at < file.Length; at += (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 4))) starts.Add(at);
        Assert.Equal(2 + sample.Length, starts.Count);
        int firstPacketBlock = starts[2];
        for (int cut = firstPacketBlock; cut < file.Length; cut++)
        {
            var packets = ReadAll(file[..cut], out var error);
            int complete = starts.Skip(2).Count(start => start < cut && starts.Concat([file.Length]).First(s => s > start) <= cut);
            Assert.Equal(complete, packets.Count);
            if (starts.Contains(cut))
            {
                Assert.Null(error);
                continue;
            }
            Assert.NotNull(error);
            Assert.Equal(starts[2 + complete], error.Offset);
            Assert.Equal($"block {3 + complete}", error.Place);
            Assert.Equal(complete, error.PacketsBefore);
        }
    }

    [Fact]
    public void Pcapng_damage_is_named_precisely()
    {
        var stream = new MemoryStream();
        using (var writer = new PcapNgWriter(stream, leaveOpen: true))
            foreach (var p in SamplePackets()) writer.Write(p);
        var good = stream.ToArray();
        int shb = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(good.AsSpan(4));
        int idb = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(good.AsSpan(shb + 4));
        int epb = shb + idb;
        int epbLength = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(good.AsSpan(epb + 4));
        int second = epb + epbLength;

        int secondLength = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(good.AsSpan(second + 4));
        var trailing = (byte[])good.Clone();
        trailing[second + secondLength - 4] ^= 0xff; // the second packet block's trailing length no longer matches its leading one
        var packets = ReadAll(trailing, out var error);
        Assert.Single(packets);
        Assert.Equal(second, error!.Offset);
        Assert.Equal("block 4", error.Place);
        Assert.Contains("starts with total length", error.Reason);

        var unknownInterface = (byte[])good.Clone();
        unknownInterface[second + 8] = 3;
        ReadAll(unknownInterface, out error);
        Assert.Equal($"test.cap: block 4 at byte offset {second}: packet block names interface 3 but the section has described 1 interface(s) (1 packet(s) before it were read)", error!.Message);

        var oddLength = (byte[])good.Clone();
        oddLength[second + 4] += 2;
        ReadAll(oddLength, out error);
        Assert.Contains("a block length is a multiple of 4 between 12", error!.Reason);

        var notCapture = "hello, world"u8.ToArray();
        ReadAll(notCapture, out error);
        Assert.Equal("test.cap: file header at byte offset 0: magic number 0x6c6c6568 (little-endian) is neither pcap (a1b2c3d4, a1b23c4d) nor pcapng (0a0d0d0a); is this a capture file? (0 packet(s) before it were read)", error!.Message);
    }
}
