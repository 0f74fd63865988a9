using Ebpf.Elf;
using Ebpf.Isa.Text;
using Ebpf.Linux.Kernel;
using Ebpf.Linux.Links;
using Ebpf.ProgramTypes;
using Xunit.Abstractions;
using static Ebpf.Linux.Tests.Links.LinkTestPrograms;

namespace Ebpf.Linux.Tests.Links;

/// <summary>
/// examples/tc_marker.o attached with a tcx ingress link on a veth end: it drops the IPv4 packets of a blocked source
/// (counting them in its map) and marks what it lets through, which a socket filter on the receiving socket, accepting
/// only packets with that mark, makes visible.
/// </summary>
public class TcxLinkTests(ITestOutputHelper output)
{
    private const int Port = 9100, Datagrams = 5;

    /// <summary>A socket filter that keeps packets with skb->mark == 4 (tc_marker's MARK_IPV4) and drops the rest.</summary>
    private static KernelProgram MarkFilter() => KernelProgram.Load(Assembler.Assemble("""
        r0 = *(u32 *)(r1 + 8)
        if r0 != 4 goto drop
        r0 = 65535
        exit
        drop:
        r0 = 0
        exit
        """), ProgramTypeId.SocketFilter, "mark_filter");

    [Fact]
    public void Tc_marker_drops_and_counts_a_blocked_source_and_marks_what_it_lets_through()
    {
        if (KernelRequirement.Missing(output)) return;
        using var pair = NamespacePair.TryCreate(out string reason);
        if (pair is null)
        {
            output.WriteLine($"SKIPPED: {reason}");
            return;
        }
        using var maps = KernelCollection.Load(ObjectFile.Load(Example("tc_marker.o")));
        var firewall = maps.Program("firewall");
        var blocked = maps.Map("blocked_sources");
        byte[] remote = NamespacePair.RemoteAddress.GetAddressBytes();
        blocked.Update(remote, new byte[8]);

        using var receiver = UdpReceiver(pair.Local, NamespacePair.LocalAddress, Port);
        using var filter = MarkFilter();
        using var filterLink = filter.AttachSocketFilter(receiver);
        SendUdp(pair.Remote, NamespacePair.LocalAddress, Port, Datagrams, 16);
        Assert.Empty(Receive(receiver, Datagrams)); // unmarked: the socket filter drops them

        using var link = firewall.AttachTcx(NamespacePair.LocalInterface, TcxDirection.Ingress, pair.Local);
        output.WriteLine(link.ToString());
        var info = link.Info();
        Assert.Equal(LinkType.Tcx, info.Type);
        Assert.Equal(AttachTypeId.TcxIngress, info.AttachType);
        Assert.Equal(firewall.Id, info.ProgramId);
        Assert.True(info.InterfaceIndex > 0);

        SendUdp(pair.Remote, NamespacePair.LocalAddress, Port, Datagrams, 16);
        Assert.Empty(Receive(receiver, Datagrams)); // blocked source: TC_ACT_SHOT
        Assert.Equal((ulong)Datagrams, BitConverter.ToUInt64(blocked.Lookup(remote)!));

        Assert.True(blocked.Delete(remote));
        SendUdp(pair.Remote, NamespacePair.LocalAddress, Port, Datagrams, 16);
        Assert.Equal(Datagrams, Receive(receiver, Datagrams).Count); // let through, marked 4, kept by the filter

        uint id = link.Id;
        link.Dispose();
        Assert.DoesNotContain(id, KernelLink.AllIds());
        SendUdp(pair.Remote, NamespacePair.LocalAddress, Port, Datagrams, 16);
        Assert.Empty(Receive(receiver, Datagrams)); // no tcx program: unmarked again
    }

    [Fact]
    public void A_stale_expected_revision_is_refused_with_estale()
    {
        if (KernelRequirement.Missing(output)) return;
        using var pair = NamespacePair.TryCreate(out string reason);
        if (pair is null)
        {
            output.WriteLine($"SKIPPED: {reason}");
            return;
        }
        using var pass = Constant(ProgramTypeId.SchedClassifier, 0);
        // A hook nobody attached to is at revision 1; asking for another one proves tcx.expected_revision sits at offset 24.
        var error = Assert.Throws<AttachException>(() => pass.AttachTcx(NamespacePair.LocalInterface, TcxDirection.Egress, pair.Local, expectedRevision: 12345));
        output.WriteLine(error.Message);
        Assert.Equal(116, error.ErrorNumber);
        Assert.Contains("revision 12345", error.Message);
        using var first = pass.AttachTcx(NamespacePair.LocalInterface, TcxDirection.Egress, pair.Local, expectedRevision: 1);
        using var other = Constant(ProgramTypeId.SchedClassifier, -1); // TCX_NEXT
        using var second = other.AttachTcx(NamespacePair.LocalInterface, TcxDirection.Egress, pair.Local, expectedRevision: 2);
        var again = Assert.Throws<AttachException>(() => pass.AttachTcx(NamespacePair.LocalInterface, TcxDirection.Egress, pair.Local));
        Assert.Equal(Errno.EEXIST, again.ErrorNumber);
        Assert.Contains("already attached", again.Message);
        Assert.Equal(AttachTypeId.TcxEgress, second.Info().AttachType);
    }
}
