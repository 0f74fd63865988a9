using System.Text;
using Xunit.Abstractions;
using static Ebpf.Linux.Tests.Helpers.HelperDifferential;

namespace Ebpf.Linux.Tests.Helpers;

/// <summary>Generated cases (fixed seeds, so a failure reproduces): number formatting and checksum arithmetic against the kernel.</summary>
public class GeneratedHelperKernelTests(ITestOutputHelper output)
{
    private static readonly string[] Conversions = ["d", "i", "u", "x", "X", "ld", "lld", "lu", "llu", "lx", "llX", "c"];
    private static readonly string[] Flags = ["", "-", "0", "+", " ", "-0", "+0", "- ", "0 ", "+-"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Generated_number_formats_print_as_in_the_kernel(int seed)
    {
        if (KernelRequirement.Missing(output)) return;
        var random = new Random(seed);
        for (int n = 0; n < 15; n++)
        {
            var format = new StringBuilder();
            int count = random.Next(1, 4);
            var arguments = new ulong[count];
            for (int i = 0; i < count; i++)
            {
                string conversion = Conversions[random.Next(Conversions.Length)];
                int width = random.Next(3) == 0 ? random.Next(1, 22) : 0;
                format.Append('%').Append(Flags[random.Next(Flags.Length)]).Append(width == 0 ? "" : $"{width}").Append(conversion).Append('|');
                arguments[i] = conversion == "c" ? (ulong)random.Next(0x20, 0x7f)
                    : random.Next(4) switch { 0 => (ulong)random.Next(-1000, 1000), 1 => (ulong)random.NextInt64(), 2 => ulong.MaxValue - (ulong)random.Next(100), _ => 1UL << random.Next(64) };
            }
            string text = format.ToString();
            var args = new StringBuilder();
            for (int i = 0; i < count; i++) args.AppendLine($"r1 = 0x{arguments[i]:x} ll\n*(u64 *)(r10 - {96 - 8 * i}) = r1");
            string source = $$"""
                r6 = r1
                r7 = *(u32 *)(r6 + 0)
                r8 = *(u32 *)(r6 + 4)
                r0 = r7
                r0 += 80
                if r0 > r8 goto out
                {{string.Concat(Enumerable.Range(0, 8).Select(i => $"*(u64 *)(r10 - {8 * (i + 1)}) = 0\n"))}}
                {{args}}
                r1 = r10
                r1 += -64
                r2 = 64
                r3 = CONST0
                r4 = r10
                r4 += -96
                r5 = {{8 * count}}
                call 165
                r9 = r0
                {{StackToPacket(64, 64)}}
                r0 = r9
                exit
                out:
                r0 = 0xdead
                exit
                """;
            var outcome = AssertSameAsKernel("xdp", source, PacketHelperKernelTests.Packet, text);
            output.WriteLine($"{text} -> {Encoding.ASCII.GetString(outcome.DataOut, 14, 64).TrimEnd('\0')}");
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void Generated_checksum_updates_equal_the_kernels(int seed)
    {
        if (KernelRequirement.Missing(output)) return;
        var random = new Random(seed);
        for (int n = 0; n < 12; n++)
        {
            var packet = (byte[])PacketHelperKernelTests.Packet.Clone();
            random.NextBytes(packet.AsSpan(14));
            int from = 4 * random.Next(0, 6), to = 4 * random.Next(0, 6);
            uint seedValue = random.Next(3) == 0 ? 0u : (uint)random.NextInt64(0, 1L << 32);
            // csum_diff of two packet slices, then that difference applied at an even offset by l4_csum_replace;
            // r0 = l4's result << 16 | the 16-bit difference.
            string source = $"""
                r6 = r1
                r7 = *(u32 *)(r6 + 76)
                r8 = *(u32 *)(r6 + 80)
                r0 = r7
                r0 += 80
                if r0 > r8 goto out
                r1 = r7
                r1 += 20
                r2 = {from}
                r3 = r7
                r3 += 44
                r4 = {to}
                r5 = 0x{seedValue:x} ll
                call 28
                r9 = r0
                r4 = r0
                r1 = r6
                r2 = {2 * random.Next(7, 38)}
                r3 = 0
                r5 = 0x{(random.Next(2) == 0 ? 0x20 : 0x10):x}
                call 11
                r0 <<= 16
                r0 |= r9
                exit
                out:
                r0 = 0xdead
                exit
                """;
            AssertSameAsKernel("sched_cls", source, packet);
        }
    }
}
