using Xunit.Abstractions;
using static Ebpf.Linux.Tests.Helpers.HelperDifferential;

namespace Ebpf.Linux.Tests.Helpers;

/// <summary>csum_diff, l3/l4_csum_replace, skb_store_bytes and redirect: same return value and packet as the kernel's test run.</summary>
public class PacketHelperKernelTests(ITestOutputHelper output)
{
    /// <summary>Ethernet, IPv4 (checksum 0xf7ca at 24), UDP (checksum 0xabcd at 40), 40 bytes of payload: 82 bytes.</summary>
    internal static readonly byte[] Packet = Convert.FromHexString(
        "020000000002" + "020000000001" + "0800" +
        "4500004400010000" + "4011f7ca" + "c0a80101" + "c0a80102" +
        "04d2162e0030abcd" +
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1fa0a1a2a3a4a5a6a7");

    /// <summary>r0 = csum_diff(data + 14, FROM, data + 30, TO, SEED).</summary>
    private const string CsumDiff = """
        r6 = r1
        r7 = *(u32 *)(r6 + DATA)
        r8 = *(u32 *)(r6 + END)
        r0 = r7
        r0 += 80
        if r0 > r8 goto out
        r1 = r7
        r1 += 14
        r2 = FROM
        r3 = r7
        r3 += 30
        r4 = TO
        r5 = SEED ll
        call 28
        exit
        out:
        r0 = 0xdead
        exit
        """;

    [Theory]
    [InlineData("sched_cls", 4, 4, 0)]
    [InlineData("sched_cls", 0, 4, 0)]
    [InlineData("sched_cls", 4, 0, 0)]
    [InlineData("sched_cls", 20, 40, 0x1234)]
    [InlineData("sched_cls", 0, 0, 0x12345678)]
    [InlineData("xdp", 8, 12, 0xfffffffe)]
    [InlineData("xdp", 3, 5, 0)]
    [InlineData("xdp", 44, 0, 0xffff)]
    public void Csum_diff_equals_the_kernels(string type, int from, int to, long seed)
    {
        if (KernelRequirement.Missing(output)) return;
        var outcome = AssertSameAsKernel(type, WithPacketPointers(CsumDiff, type).Replace("FROM", $"{from}").Replace("TO", $"{to}").Replace("SEED", $"0x{seed:x}"), Packet);
        output.WriteLine($"csum_diff -> 0x{outcome.ReturnValue:x}");
    }

    /// <summary>Fills in the context offsets of data and data_end for the program type.</summary>
    internal static string WithPacketPointers(string source, string type) => type == "xdp"
        ? source.Replace("DATA", "0").Replace("END", "4")
        : source.Replace("DATA", "76").Replace("END", "80");

    /// <summary>r0 = HELPER(skb, OFFSET, FROM, TO, FLAGS).</summary>
    private const string CsumReplace = """
        r6 = r1
        r2 = OFFSET
        r3 = FROMV ll
        r4 = TOV ll
        r5 = FLAGS
        call HELPER
        exit
        """;

    [Theory]
    [InlineData(10, 24, 0x0140L, 0x0240L, 2)]             // IPv4 TTL/protocol word changed
    [InlineData(10, 24, 0x0101a8c0L, 0x0a01a8c0L, 4)]     // source address changed
    [InlineData(10, 24, 0L, 0x1234L, 0)]                  // a csum_diff result
    [InlineData(10, 24, 1L, 0x1234L, 0)]                  // -EINVAL: from must be 0 with size 0
    [InlineData(10, 24, 1L, 2L, 3)]                       // -EINVAL: size 3
    [InlineData(10, 24, 1L, 2L, 0x12)]                    // -EINVAL: l3 takes no other flag
    [InlineData(10, 25, 1L, 2L, 2)]                       // -EFAULT: odd offset
    [InlineData(10, 80, 1L, 2L, 2)]                       // -EFAULT: the field ends past the packet
    [InlineData(11, 40, 0x0101a8c0L, 0x0a01a8c0L, 0x14)]  // UDP with pseudo-header
    [InlineData(11, 40, 0x04d2L, 0x0050L, 0x32)]          // mangled-0, 2-byte port
    [InlineData(11, 40, 0L, 0x9999L, 0x70)]               // by diff, all flags
    [InlineData(11, 40, 1L, 2L, 0x102)]                   // -EINVAL: unknown flag
    [InlineData(11, 41, 1L, 2L, 2)]                       // -EFAULT: odd offset
    public void Csum_replace_equals_the_kernels(int helper, int offset, long from, long to, int flags)
    {
        if (KernelRequirement.Missing(output)) return;
        var source = CsumReplace.Replace("HELPER", $"{helper}").Replace("OFFSET", $"{offset}")
            .Replace("FROMV", $"0x{from:x}").Replace("TOV", $"0x{to:x}").Replace("FLAGS", $"0x{flags:x}");
        var outcome = AssertSameAsKernel("sched_cls", source, Packet);
        output.WriteLine($"retval 0x{outcome.ReturnValue:x}, checksum bytes {Convert.ToHexString(outcome.DataOut, offset & ~1, 2)}");
    }

    [Fact]
    public void A_zero_udp_checksum_stays_zero_unless_enforced_like_the_kernel()
    {
        if (KernelRequirement.Missing(output)) return;
        var packet = (byte[])Packet.Clone();
        packet[40] = packet[41] = 0;
        foreach (int flags in new[] { 0x24, 0x64, 0x04 })
        {
            var source = CsumReplace.Replace("HELPER", "11").Replace("OFFSET", "40")
                .Replace("FROMV", "0x0101a8c0").Replace("TOV", "0x0a01a8c0").Replace("FLAGS", $"0x{flags:x}");
            AssertSameAsKernel("sched_cls", source, packet);
        }
    }

    [Fact]
    public void A_computed_zero_udp_checksum_is_written_as_0xffff_like_the_kernel()
    {
        if (KernelRequirement.Missing(output)) return;
        var packet = (byte[])Packet.Clone();
        packet[40] = packet[41] = 0xff;
        foreach (int flags in new[] { 0x20, 0x00 })
        {
            var source = CsumReplace.Replace("HELPER", "11").Replace("OFFSET", "40").Replace("FROMV", "0").Replace("TOV", "0").Replace("FLAGS", $"0x{flags:x}");
            var outcome = AssertSameAsKernel("sched_cls", source, packet);
            output.WriteLine($"flags 0x{flags:x}: checksum {Convert.ToHexString(outcome.DataOut, 40, 2)}");
        }
    }

    /// <summary>Stores 8 stack bytes into the packet: r0 = skb_store_bytes(skb, OFFSET, r10 - 8, LEN, FLAGS).</summary>
    private const string StoreBytes = """
        r6 = r1
        r1 = 0x8877665544332211 ll
        *(u64 *)(r10 - 8) = r1
        r1 = r6
        r2 = OFFSET
        r3 = r10
        r3 += -8
        r4 = LEN
        r5 = FLAGS
        call 9
        exit
        """;

    [Theory]
    [InlineData(0, 8, 0)]
    [InlineData(30, 5, 3)]
    [InlineData(74, 8, 0)]   // the last 8 bytes
    [InlineData(75, 8, 0)]   // -EFAULT: one past the end
    [InlineData(0, 8, 4)]    // -EINVAL: unknown flag
    public void Skb_store_bytes_equals_the_kernels(int offset, int length, int flags)
    {
        if (KernelRequirement.Missing(output)) return;
        AssertSameAsKernel("sched_cls", StoreBytes.Replace("OFFSET", $"{offset}").Replace("LEN", $"{length}").Replace("FLAGS", $"{flags}"), Packet);
    }

    [Theory]
    [InlineData("xdp", 0)]
    [InlineData("xdp", 1)]        // XDP takes no flags: XDP_ABORTED
    [InlineData("sched_cls", 0)]
    [InlineData("sched_cls", 1)]  // BPF_F_INGRESS
    [InlineData("sched_cls", 2)]  // an unknown flag: TC_ACT_SHOT
    public void Redirect_returns_the_kernels_verdict(string type, int flags)
    {
        if (KernelRequirement.Missing(output)) return;
        AssertSameAsKernel(type, $"r1 = 5\nr2 = {flags}\ncall 23\nexit\n", Packet);
    }
}
