using Ebpf.Isa;
using Ebpf.Isa.Text;
using Ebpf.Linux.Programs;
using Ebpf.ProgramTypes;
using Ebpf.Runtime;
using Ebpf.TestRuns;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.TestRuns;

/// <summary>XDP and tc programs give the same verdicts and output packets in our test run as in the kernel's.</summary>
public class PacketProgramTests(ITestOutputHelper output)
{
    private static readonly byte[] Ipv4 = Convert.FromHexString(
        "020000000002" + "020000000001" + "0800" + "45000020000100004011f7cac0a80101c0a8010204d2162e000c0000616263");
    private static readonly byte[] Arp = Convert.FromHexString(
        "ffffffffffff" + "020000000001" + "0806" + "0001080006040001020000000001c0a80101000000000000c0a80102");
    private static readonly byte[] Runt = Convert.FromHexString("020000000002020000000001");

    /// <summary>Pass IPv4, drop everything else, after checking the Ethernet header against data_end.</summary>
    private const string IPv4Only = """
        r2 = *(u32 *)(r1 + 4)
        r1 = *(u32 *)(r1 + 0)
        r3 = r1
        r3 += 14
        if r3 > r2 goto drop
        r0 = *(u16 *)(r1 + 12)
        if r0 != 8 goto drop
        r0 = 2
        exit
        drop:
        r0 = 1
        exit
        """;

    /// <summary>Grow the head by 4 bytes, stamp them, shrink the tail by 2, transmit; r0 = 0 with the errno on failure.</summary>
    private const string Encapsulate = """
        r6 = r1
        r2 = DELTA
        call 44
        if r0 != 0 goto failed
        r2 = *(u32 *)(r6 + 0)
        r3 = *(u32 *)(r6 + 4)
        r4 = r2
        r4 += 18
        if r4 > r3 goto failed
        r5 = 0xaabbccdd
        *(u32 *)(r2 + 0) = r5
        r1 = r6
        r2 = -2
        call 65
        if r0 != 0 goto failed
        r0 = 3
        exit
        failed:
        r0 <<= 8
        exit
        """;

    /// <summary>tc: read the EtherType through direct packet access, mark the packet in cb[0], return TC_ACT_SHOT for ARP.</summary>
    private const string TcArpShot = """
        r2 = *(u32 *)(r1 + 80)
        r3 = *(u32 *)(r1 + 76)
        r4 = r3
        r4 += 14
        if r4 > r2 goto ok
        r0 = *(u16 *)(r3 + 12)
        *(u32 *)(r1 + 48) = r0
        if r0 != 1544 goto ok
        r0 = 2
        exit
        ok:
        r0 = *(u32 *)(r1 + 0)
        exit
        """;

    public static TheoryData<string, string, string> Cases() => new()
    {
        { "xdp", IPv4Only, "ipv4" },
        { "xdp", IPv4Only, "arp" },
        { "xdp", Encapsulate.Replace("DELTA", "-4"), "ipv4" },
        { "xdp", Encapsulate.Replace("DELTA", "-300"), "ipv4" },
        { "xdp", Encapsulate.Replace("DELTA", "40"), "ipv4" },
        { "xdp", Encapsulate.Replace("DELTA", "4"), "arp" },
        { "sched_cls", TcArpShot, "ipv4" },
        { "sched_cls", TcArpShot, "arp" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Verdicts_and_output_packets_equal_the_kernels(string typeName, string source, string packetName)
    {
        if (KernelRequirement.Missing(output)) return;
        var type = KnownProgramTypes.All.Single(t => t.Name == typeName);
        var program = Assembler.Assemble(source);
        byte[] packet = packetName == "ipv4" ? Ipv4 : Arp;
        using var kernel = KernelTestProgram.Load(program, type);
        var expected = kernel.TestRun(packet);
        foreach (var engine in new[] { ExecutionEngine.Interpreter, ExecutionEngine.Jit })
        {
            var ours = TestRunner.Run(ExecutionEngines.Prepare(engine, program, TestRunner.OptionsFor(type)), type, packet);
            Assert.Equal(expected.ReturnValue, ours.ReturnValue);
            Assert.Equal(Convert.ToHexString(expected.DataOut), Convert.ToHexString(ours.DataOut));
        }
        output.WriteLine($"retval {expected.ReturnValue:x}, data_out {Convert.ToHexString(expected.DataOut)}");
    }

    [Fact]
    public void A_frame_shorter_than_an_ethernet_header_is_refused_like_the_kernel()
    {
        var program = Assembler.Assemble(IPv4Only);
        var error = Assert.Throws<TestRunException>(() =>
            TestRunner.Run(ExecutionEngines.Prepare(ExecutionEngine.Jit, program, TestRunner.OptionsFor(KnownProgramTypes.Xdp)), KnownProgramTypes.Xdp, Runt));
        Assert.Equal(22, error.Errno); // EINVAL, as bpf_test_init returns for size < ETH_HLEN
    }
}
