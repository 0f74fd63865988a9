using Ebpf.Runtime;

namespace Ebpf.Tests.Examples;

/// <summary>examples/socket_filter.c: keeps UDP to port 53 whole (returns skb->len), drops everything else (0).</summary>
public class SocketFilterExampleTests
{
    public static TheoryData<ExecutionEngine, string, bool> Cases()
    {
        var data = new TheoryData<ExecutionEngine, string, bool>();
        foreach (var engine in new[] { ExecutionEngine.Interpreter, ExecutionEngine.Jit })
            foreach (var (name, kept) in SocketFilterExample.Cases)
                data.Add(engine, name, kept);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Keeps_only_udp_to_port_53(ExecutionEngine engine, string packetName, bool kept)
    {
        using var example = new ExampleObject("socket_filter.o", "dns_only", engine);
        byte[] packet = SocketFilterExample.Packet(packetName);
        var result = example.Run(packet);
        // skb->len counts from the network header: the Ethernet header was pulled before the filter ran.
        Assert.Equal(kept ? (uint)(packet.Length - 14) : 0u, result.ReturnValue);
        Assert.Equal([.. new byte[14], .. packet[14..]], result.DataOut);
    }
}
