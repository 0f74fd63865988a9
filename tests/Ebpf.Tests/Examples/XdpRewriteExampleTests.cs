using Ebpf.Runtime;

namespace Ebpf.Tests.Examples;

/// <summary>examples/xdp_rewrite.c: IPv4 reflected with XDP_TX (checksum fixed incrementally, padding trimmed).</summary>
public class XdpRewriteExampleTests
{
    public static TheoryData<ExecutionEngine, string> Cases()
    {
        var data = new TheoryData<ExecutionEngine, string>();
        foreach (var engine in new[] { ExecutionEngine.Interpreter, ExecutionEngine.Jit })
            foreach (var (name, _) in XdpRewriteExample.Cases)
                data.Add(engine, name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reflects_ipv4_and_leaves_the_rest(ExecutionEngine engine, string packetName)
    {
        using var example = new ExampleObject("xdp_rewrite.o", "reflect", engine);
        byte[] packet = XdpRewriteExample.Packet(packetName);
        uint verdict = XdpRewriteExample.Cases.Single(c => c.Name == packetName).Verdict;
        var result = example.Run(packet);
        Assert.Equal(verdict, result.ReturnValue);
        Assert.Equal(Convert.ToHexString(verdict == XdpRewriteExample.Tx ? XdpRewriteExample.Reflected(packet) : packet),
            Convert.ToHexString(result.DataOut));
    }

    [Fact]
    public void A_padded_frame_is_trimmed_to_its_datagram_and_its_checksum_verifies()
    {
        using var example = new ExampleObject("xdp_rewrite.o", "reflect", ExecutionEngine.Jit);
        var result = example.Run(XdpRewriteExample.Packet("ipv4-udp-padded"));
        Assert.Equal(14 + 20 + 12, result.DataOut.Length);
        Assert.Equal(0, Packets.Checksum(result.DataOut.AsSpan(14, 20))); // a correct header sums to 0xffff
        Assert.Equal(63, result.DataOut[22]);
    }
}
