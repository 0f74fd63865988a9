using Ebpf.Elf;
using Ebpf.Linux.Kernel;
using Ebpf.Linux.Links;
using Ebpf.ProgramTypes;
using Xunit.Abstractions;
using static Ebpf.Linux.Tests.Links.LinkTestPrograms;

namespace Ebpf.Linux.Tests.Links;

/// <summary>
/// examples/xdp_counter.o attached with an XDP link to one end of a veth pair between two namespaces counts exactly the
/// UDP and ICMP frames sent from the other end; a dropping program keeps them from arriving; disposing the link detaches
/// the program from the interface and removes the link from the kernel.
/// </summary>
public class XdpLinkTests(ITestOutputHelper output)
{
    private const int Port = 9000, Datagrams = 5, Payload = 32, Pings = 3;
    private const int UdpFrame = 14 + 20 + 8 + Payload, PingFrame = 14 + 20 + 8 + 56;

    private NamespacePair? Pair()
    {
        if (KernelRequirement.Missing(output)) return null;
        var pair = NamespacePair.TryCreate(out string reason);
        if (pair is null) output.WriteLine($"SKIPPED: {reason}");
        return pair;
    }

    [Theory]
    [InlineData(XdpAttachMode.Generic)]
    [InlineData(XdpAttachMode.Native)]
    public void Xdp_counter_counts_the_udp_and_icmp_frames_sent_from_the_other_namespace(XdpAttachMode mode)
    {
        using var pair = Pair();
        if (pair is null) return;
        using var maps = KernelCollection.Load(ObjectFile.Load(Example("xdp_counter.o")));
        var program = maps.Program("count_protocols");
        using var receiver = UdpReceiver(pair.Local, NamespacePair.LocalAddress, Port);
        using (var link = program.AttachXdp(NamespacePair.LocalInterface, mode, pair.Local))
        {
            output.WriteLine(link.ToString());
            Assert.Contains("prog/xdp", NamespacePair.LinkDetails(pair.Local, NamespacePair.LocalInterface));
            SendUdp(pair.Remote, NamespacePair.LocalAddress, Port, Datagrams, Payload);
            var received = Receive(receiver, Datagrams);
            Assert.Equal(Datagrams, received.Count);
            Assert.All(received, (datagram, k) => Assert.Equal(Enumerable.Repeat((byte)k, Payload), datagram));
            Assert.Equal(Pings, Ping(pair.Remote, NamespacePair.LocalAddress, Pings));
        }
        // slot 0 IPv4, 1 IPv6, 2 ARP, 3 other: each a per-CPU { packets, bytes }.
        var slots = Enumerable.Range(0, 4).Select(slot => Sum(maps.Map("traffic_by_protocol").Lookup(BitConverter.GetBytes(slot))!)).ToArray();
        output.WriteLine($"{mode}: IPv4 {slots[0]}, IPv6 {slots[1]}, ARP {slots[2]}, other {slots[3]}");
        Assert.Equal(((ulong)(Datagrams + Pings), (ulong)(Datagrams * UdpFrame + Pings * PingFrame)), slots[0]);
        Assert.Equal((0UL, 0UL), slots[1]);
        Assert.Equal((0UL, 0UL), slots[2]);
        Assert.Equal((0UL, 0UL), slots[3]);
    }

    private static (ulong Packets, ulong Bytes) Sum(byte[] perCpu)
    {
        ulong packets = 0, bytes = 0;
        for (int cpu = 0; cpu < perCpu.Length / 16; cpu++)
        {
            packets += BitConverter.ToUInt64(perCpu, cpu * 16);
            bytes += BitConverter.ToUInt64(perCpu, cpu * 16 + 8);
        }
        return (packets, bytes);
    }

    [Fact]
    public void Frames_an_xdp_program_drops_never_arrive_and_arrive_again_once_the_link_is_disposed()
    {
        using var pair = Pair();
        if (pair is null) return;
        using var drop = Constant(ProgramTypeId.Xdp, 1); // XDP_DROP
        using var receiver = UdpReceiver(pair.Local, NamespacePair.LocalAddress, Port);
        uint id;
        using (var link = drop.AttachXdp(NamespacePair.LocalInterface, XdpAttachMode.Generic, pair.Local))
        {
            id = link.Id;
            Assert.True(link.IsBpfLink);
            var info = link.Info();
            Assert.Equal(LinkType.Xdp, info.Type);
            Assert.Equal(drop.Id, info.ProgramId);
            Assert.Equal(id, info.Id);
            Assert.Contains(id, KernelLink.AllIds());
            SendUdp(pair.Remote, NamespacePair.LocalAddress, Port, Datagrams, Payload);
            Assert.Empty(Receive(receiver, Datagrams));
            Assert.Equal(0, Ping(pair.Remote, NamespacePair.LocalAddress, 1));
        }
        Assert.DoesNotContain(id, KernelLink.AllIds());
        Assert.DoesNotContain("prog/xdp", NamespacePair.LinkDetails(pair.Local, NamespacePair.LocalInterface));
        SendUdp(pair.Remote, NamespacePair.LocalAddress, Port, Datagrams, Payload);
        Assert.Equal(Datagrams, Receive(receiver, Datagrams).Count);
    }

    [Fact]
    public void A_second_xdp_link_on_the_same_interface_is_refused_with_the_interface_named()
    {
        using var pair = Pair();
        if (pair is null) return;
        using var pass = Constant(ProgramTypeId.Xdp, 2);
        using var first = pass.AttachXdp(NamespacePair.LocalInterface, XdpAttachMode.Generic, pair.Local);
        var error = Assert.Throws<AttachException>(() => pass.AttachXdp(NamespacePair.LocalInterface, XdpAttachMode.Generic, pair.Local));
        output.WriteLine(error.Message);
        Assert.Equal(Errno.EBUSY, error.ErrorNumber);
        Assert.Contains($"'{NamespacePair.LocalInterface}'", error.Message);
        Assert.Contains("already attached", error.Message);
    }

    [Fact]
    public void An_unknown_interface_is_named_with_how_to_list_the_interfaces()
    {
        if (KernelRequirement.Missing(output)) return;
        using var pass = Constant(ProgramTypeId.Xdp, 2);
        var error = Assert.Throws<AttachException>(() => pass.AttachXdp("no-such-if0"));
        output.WriteLine(error.Message);
        Assert.Contains("no interface 'no-such-if0' in this network namespace", error.Message);
        Assert.Contains("`ip link`", error.Message);
    }
}
