using Ebpf.Capture;

namespace Ebpf.Tests.Capture;

public class FlowHashTests
{
    private static byte[] Udp4(byte lastSource, ushort sourcePort, ushort flags = 0x4000, int vlanTags = 0)
    {
        byte[] tags = [.. Enumerable.Range(0, vlanTags).SelectMany(_ => new byte[] { 0x81, 0x00, 0x00, 0x64 })];
        return
        [
            .. new byte[] { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 }, .. tags, 0x08, 0x00,
            0x45, 0, 0, 28, 0, 1, (byte)(flags >> 8), (byte)flags, 64, 17, 0, 0, 10, 0, 0, lastSource, 10, 0, 0, 1,
            (byte)(sourcePort >> 8), (byte)sourcePort, 0, 53, 0, 8, 0, 0,
        ];
    }

    [Fact]
    public void The_hash_is_fnv1a_over_addresses_protocol_and_ports()
    {
        // FNV-1a 32 over 0a000007 0a000001 11 d431 0035, computed with Python.
        Assert.Equal(0xd3200a82u, FlowHash.Of(Udp4(7, 0xd431)));
        Assert.Equal(0xd3200a82u, FlowHash.Of(Udp4(7, 0xd431, vlanTags: 2)));
    }

    [Fact]
    public void Ports_change_the_hash_but_not_for_fragments_and_vlan_tags_do_not_matter()
    {
        Assert.NotEqual(FlowHash.Of(Udp4(7, 1000)), FlowHash.Of(Udp4(7, 1001)));
        Assert.Equal(FlowHash.Of(Udp4(7, 1000, flags: 0x2000)), FlowHash.Of(Udp4(7, 1001, flags: 0x0010)));
        Assert.Equal(Fnv1a([10, 0, 0, 7, 10, 0, 0, 1, 17]), FlowHash.Of(Udp4(7, 1000, flags: 0x2000)));
        Assert.Equal(FlowHash.Of(Udp4(9, 1000)), FlowHash.Of(Udp4(9, 1000, vlanTags: 1)));
    }

    private static uint Fnv1a(byte[] bytes)
    {
        uint hash = 2166136261;
        foreach (byte b in bytes) hash = unchecked((hash ^ b) * 16777619);
        return hash;
    }
}
