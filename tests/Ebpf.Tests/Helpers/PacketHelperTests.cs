using Ebpf.Isa.Text;
using Ebpf.ProgramTypes;
using Ebpf.Runtime;
using Ebpf.TestRuns;

namespace Ebpf.Tests.Helpers;

/// <summary>
/// The packet helpers added for tc and XDP on every engine: checksums, skb_store_bytes, redirect (the kernel
/// differential tests in Ebpf.Linux.Tests compare the same cases with Linux).
/// </summary>
public abstract class PacketHelperTests
{
    protected abstract ExecutionEngine Engine { get; }

    public sealed class OnInterpreter : PacketHelperTests
    {
        protected override ExecutionEngine Engine => ExecutionEngine.Interpreter;
    }

    public sealed class OnJit : PacketHelperTests
    {
        protected override ExecutionEngine Engine => ExecutionEngine.Jit;
    }

    /// <summary>Ethernet + IPv4 (header checksum 0xf7ca at 24) + UDP (checksum at 40).</summary>
    private static readonly byte[] Ipv4 = Convert.FromHexString(
        "020000000002020000000001080045000020000100004011f7cac0a80101c0a8010204d2162e000c0000616263");

    private TestRunResult Run(ProgramType type, string source, byte[]? packet = null) =>
        TestRunner.Run(ExecutionEngines.Prepare(Engine, Assembler.Assemble(source), TestRunner.OptionsFor(type)), type, packet ?? Ipv4);

    [Fact]
    public void L3_csum_replace_keeps_the_ip_header_checksum_valid()
    {
        // Rewrite the source address 192.168.1.1 -> 10.0.0.1 with skb_store_bytes, then fix the checksum.
        const string source = """
            r6 = r1
            r1 = 0x0100000a
            *(u32 *)(r10 - 4) = r1
            r1 = r6
            r2 = 26
            r3 = r10
            r3 += -4
            r4 = 4
            r5 = 0
            call 9
            r1 = r6
            r2 = 24
            r3 = 0x0101a8c0
            r4 = 0x0100000a
            r5 = 4
            call 10
            exit
            """;
        var packet = Convert.FromHexString(Convert.ToHexString(Ipv4).Replace("F7CA", "F778"));   // a valid header checksum
        Assert.Equal(0, HeaderChecksum(packet.AsSpan(14, 20)));
        var result = Run(KnownProgramTypes.SchedCls, source, packet);
        Assert.Equal(0u, result.ReturnValue);
        var header = result.DataOut.AsSpan(14, 20);
        Assert.Equal("0a000001", Convert.ToHexString(header[12..16]).ToLowerInvariant());
        Assert.Equal(0, HeaderChecksum(header));
    }

    private static int HeaderChecksum(ReadOnlySpan<byte> header)
    {
        uint sum = 0;
        for (int i = 0; i < header.Length; i += 2) sum += (uint)(header[i] << 8 | header[i + 1]);
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
        return (int)(~sum & 0xffff);
    }

    [Theory]
    [InlineData(10, 24, 3, 22)]     // size 3: -EINVAL
    [InlineData(10, 25, 2, 14)]     // odd offset: -EFAULT
    [InlineData(10, 44, 2, 14)]     // past the packet: -EFAULT
    [InlineData(11, 40, 0x100, 22)] // unknown flag: -EINVAL
    public void Csum_replace_errors(int helper, int offset, int flags, int errno)
    {
        var result = Run(KnownProgramTypes.SchedCls, $"r2 = {offset}\nr3 = 1\nr4 = 2\nr5 = {flags}\ncall {helper}\nexit\n");
        Assert.Equal(unchecked((uint)-errno), result.ReturnValue);
        Assert.Equal(Ipv4, result.DataOut);
    }

    [Fact]
    public void L4_csum_replace_writes_a_zero_result_as_0xffff_with_mark_mangled_0()
    {
        // Checksum 0x0001 at 40; replacing 0xfffe by 0x0000 via a diff gives 0 and is written as CSUM_MANGLED_0.
        var packet = (byte[])Ipv4.Clone();
        packet[40] = 0xff;
        packet[41] = 0xff;
        var result = Run(KnownProgramTypes.SchedCls, "r2 = 40\nr3 = 0\nr4 = 0\nr5 = 0x20\ncall 11\nexit\n", packet);
        Assert.Equal(0u, result.ReturnValue);
        Assert.Equal([0xff, 0xff], result.DataOut[40..42]);
    }

    [Fact]
    public void Csum_diff_of_equal_buffers_is_zero_and_of_one_word_its_sum()
    {
        const string source = """
            r6 = r1
            r1 = 0x11223344
            *(u32 *)(r10 - 4) = r1
            *(u32 *)(r10 - 8) = r1
            r1 = r10
            r1 += -4
            r2 = 4
            r3 = r10
            r3 += -8
            r4 = RIGHT
            r5 = 0
            call 28
            exit
            """;
        Assert.Equal(0xffffu, Run(KnownProgramTypes.Xdp, source.Replace("RIGHT", "4")).ReturnValue);     // to - from = 0 in one's complement (-0)
        Assert.Equal((uint)(~(0x3344u + 0x1122u) & 0xffff), Run(KnownProgramTypes.Xdp, source.Replace("RIGHT", "0")).ReturnValue);
    }

    [Fact]
    public void Skb_store_bytes_past_the_end_is_EFAULT_and_changes_nothing()
    {
        var result = Run(KnownProgramTypes.SchedCls, "*(u64 *)(r10 - 8) = 0\nr2 = 40\nr3 = r10\nr3 += -8\nr4 = 8\nr5 = 0\ncall 9\nexit\n");
        Assert.Equal(unchecked((uint)-14), result.ReturnValue);
        Assert.Equal(Ipv4, result.DataOut);
    }

    [Theory]
    [InlineData("xdp", 10)]
    [InlineData("xdp", 9)]
    [InlineData("socket_filter", 11)]
    public void Skb_writing_helpers_are_tc_only(string typeName, int helper)
    {
        var type = KnownProgramTypes.All.Single(t => t.Name == typeName);
        var fault = Assert.Throws<ProgramFaultException>(() => Run(type, $"r2 = 0\nr3 = 0\nr4 = 0\nr5 = 0\ncall {helper}\nexit\n"));
        Assert.Contains("tc programs only", fault.Message);
    }

    [Theory]
    [InlineData("xdp", 0, 4u, true)]
    [InlineData("xdp", 1, 0u, false)]
    [InlineData("sched_cls", 1, 7u, true)]
    [InlineData("sched_cls", 4, 2u, false)]
    public void Redirect_records_its_target_for_the_test_run(string typeName, int flags, uint verdict, bool recorded)
    {
        var type = KnownProgramTypes.All.Single(t => t.Name == typeName);
        var result = Run(type, $"r1 = 9\nr2 = {flags}\ncall 23\nexit\n");
        Assert.Equal(verdict, result.ReturnValue);
        Assert.Equal(recorded ? new RedirectTarget(9, (ulong)flags) : null, result.Redirect);
    }

    [Fact]
    public void A_context_given_to_a_test_run_keeps_its_host_settings_and_no_regions()
    {
        var lines = new List<string>();
        var context = new RunContext { TraceSink = lines.Add };
        byte[] format = [.. "len %d"u8, 0];
        string source = Ebpf.Tests.Helpers.HelperRun.StackBytes(format, 8) + "r1 = r10\nr1 += -8\nr2 = 7\nr3 = 42\ncall 6\nr0 = 2\nexit\n";
        var program = ExecutionEngines.Prepare(Engine, Assembler.Assemble(source), TestRunner.OptionsFor(KnownProgramTypes.Xdp));
        TestRunner.Run(program, KnownProgramTypes.Xdp, Ipv4, repeat: 2, context: context);
        Assert.Equal(["len 42", "len 42"], lines);
        Assert.Equal(0, context.RegionCount);
        Assert.Null(context.HostState);
    }
}
