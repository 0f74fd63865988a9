using System.Text;
using Ebpf.ProgramTypes;
using Ebpf.Runtime;
using Xunit.Abstractions;
using static Ebpf.Linux.Tests.Helpers.HelperDifferential;

namespace Ebpf.Linux.Tests.Helpers;

/// <summary>probe_read_*, strtol/strtoul/strncmp and the current-task helpers: same results as the kernel's test run.</summary>
public class MemoryHelperKernelTests(ITestOutputHelper output)
{
    /// <summary>
    /// XDP: a 32-byte buffer at r10 - 32 filled with 0x5a, a source at r10 - 64 ("kernel string", 0); r0 = HELPER(r10 - 32,
    /// SIZE, SOURCE); the buffer is copied to the packet at 14.
    /// </summary>
    private const string ProbeRead = """
        r6 = r1
        r7 = *(u32 *)(r6 + 0)
        r8 = *(u32 *)(r6 + 4)
        r0 = r7
        r0 += 80
        if r0 > r8 goto out
        r1 = 0x5a5a5a5a5a5a5a5a ll
        *(u64 *)(r10 - 32) = r1
        *(u64 *)(r10 - 24) = r1
        *(u64 *)(r10 - 16) = r1
        *(u64 *)(r10 - 8) = r1
        STRING
        r1 = r10
        r1 += -32
        r2 = SIZE
        r3 = SOURCE
        call HELPER
        r9 = r0
        COPY
        r0 = r9
        exit
        out:
        r0 = 0xdead
        exit
        """;

    private static string Probe(int helper, int size, string source) => ProbeRead
        .Replace("STRING", StackBytes([.. Encoding.ASCII.GetBytes("kernel string"), 0, 0, 0], 64))
        .Replace("SIZE", $"{size}").Replace("SOURCE", source).Replace("HELPER", $"{helper}").Replace("COPY", StackToPacket(32, 32));

    [Theory]
    [InlineData(113, 16, "r10\nr3 += -64")]                  // probe_read_kernel from the stack
    [InlineData(113, 8, "0xfffffffffffff000 ll")]            // a kernel address with nothing mapped: -EFAULT, buffer zeroed
    [InlineData(113, 8, "0 ll")]                             // NULL: -ERANGE, the kernel refuses user-half addresses outright
    [InlineData(115, 8, "0 ll")]
    [InlineData(113, 8, "0x8000000000000000 ll")]            // non-canonical: -ERANGE
    [InlineData(115, 32, "r10\nr3 += -64")]                  // probe_read_kernel_str: 14 with the NUL
    [InlineData(115, 5, "r10\nr3 += -64")]                   // cut to 4 bytes and a NUL: 5
    [InlineData(115, 16, "0xfffffffffffff000 ll")]           // -EFAULT, buffer zeroed
    [InlineData(112, 8, "r10\nr3 += -64")]                   // probe_read_user of kernel memory: -EFAULT
    [InlineData(114, 8, "r10\nr3 += -64")]                   // probe_read_user_str of kernel memory: -EFAULT
    public void Probe_reads_equal_the_kernels(int helper, int size, string source)
    {
        if (KernelRequirement.Missing(output)) return;
        var outcome = AssertSameAsKernel("xdp", Probe(helper, size, source), PacketHelperKernelTests.Packet);
        output.WriteLine($"retval {(int)outcome.ReturnValue}");
    }

    /// <summary>
    /// XDP: the text at r10 - 64; r0 = HELPER(text, LEN, FLAGS, r10 - 8), the result (zeroed first) copied to the packet at 14.
    /// </summary>
    private const string StrtoX = """
        r6 = r1
        r7 = *(u32 *)(r6 + 0)
        r8 = *(u32 *)(r6 + 4)
        r0 = r7
        r0 += 80
        if r0 > r8 goto out
        r1 = 0x1111111111111111 ll
        *(u64 *)(r10 - 8) = r1
        TEXT
        r1 = r10
        r1 += -64
        r2 = LEN
        r3 = FLAGS
        r4 = r10
        r4 += -8
        call HELPER
        r9 = r0
        COPY
        r0 = r9
        exit
        out:
        r0 = 0xdead
        exit
        """;

    [Theory]
    [InlineData(105, "  -123abc", 0)]
    [InlineData(105, "0x1F", 0)]
    [InlineData(105, "0x1F", 16)]
    [InlineData(105, "0x", 0)]
    [InlineData(105, "0x", 16)]                     // -EINVAL: no digits after the prefix
    [InlineData(105, "0777", 0)]
    [InlineData(105, "0778", 8)]
    [InlineData(105, "9223372036854775807", 10)]
    [InlineData(105, "9223372036854775808", 10)]    // -ERANGE
    [InlineData(105, "-9223372036854775808", 10)]
    [InlineData(105, "-9223372036854775809", 10)]   // -ERANGE
    [InlineData(105, "99999999999999999999", 0)]    // -ERANGE
    [InlineData(105, "12", 2)]                      // -EINVAL: base 2
    [InlineData(105, "12", 0x20)]                   // -EINVAL: a flag outside the base bits
    [InlineData(105, "   ", 0)]                     // -EINVAL
    [InlineData(105, "\t\n 42", 0)]
    [InlineData(106, "18446744073709551615", 0)]
    [InlineData(106, "18446744073709551616", 0)]    // -ERANGE
    [InlineData(106, "-1", 0)]                      // -EINVAL: a sign for strtoul
    [InlineData(106, "+1", 0)]                      // -EINVAL: '+' is no sign here
    [InlineData(106, "0XaBc", 0)]
    public void Strtol_and_strtoul_equal_the_kernels(int helper, string text, int flags)
    {
        if (KernelRequirement.Missing(output)) return;
        byte[] bytes = [.. Encoding.ASCII.GetBytes(text)];
        var padded = new byte[Math.Max(8, (bytes.Length + 7) / 8 * 8)];
        bytes.CopyTo(padded, 0);
        string source = StrtoX.Replace("TEXT", StackBytes(padded, 64)).Replace("LEN", $"{bytes.Length}")
            .Replace("FLAGS", $"{flags}").Replace("HELPER", $"{helper}").Replace("COPY", StackToPacket(8, 8));
        var outcome = AssertSameAsKernel("xdp", source, PacketHelperKernelTests.Packet);
        output.WriteLine($"retval {(int)outcome.ReturnValue}, result {BitConverter.ToInt64(outcome.DataOut, 14)}");
    }

    [Theory]
    [InlineData("hello", 5, "hello")]
    [InlineData("hellO", 5, "hello")]
    [InlineData("hello", 5, "hellp")]
    [InlineData("help", 3, "hello")]
    [InlineData("hello", 8, "hello")]
    [InlineData("hel\u00ffo", 5, "hello")]   // bytes compare unsigned
    public void Strncmp_equals_the_kernels(string s1, int size, string s2)
    {
        if (KernelRequirement.Missing(output)) return;
        var bytes = new byte[16];
        Encoding.Latin1.GetBytes(s1).CopyTo(bytes, 0);
        string source = StackBytes(bytes, 16) + $"r1 = r10\nr1 += -16\nr2 = {size}\nr3 = CONST0\ncall 182\nexit\n";
        var outcome = AssertSameAsKernel("xdp", source, PacketHelperKernelTests.Packet, s2);
        output.WriteLine($"retval {(int)outcome.ReturnValue}");
    }

    [Fact]
    public void Current_task_helpers_report_the_calling_thread_like_the_kernel()
    {
        if (KernelRequirement.Missing(output)) return;
        // pid_tgid and uid_gid into the packet at 14 and 22; comm (16 bytes, then 8 with size 8) at 30 and 46.
        const string source = """
            r6 = r1
            r7 = *(u32 *)(r6 + 0)
            r8 = *(u32 *)(r6 + 4)
            r0 = r7
            r0 += 80
            if r0 > r8 goto out
            call 14
            *(u64 *)(r7 + 14) = r0
            call 15
            *(u64 *)(r7 + 22) = r0
            r1 = 0x5a5a5a5a5a5a5a5a ll
            *(u64 *)(r10 - 16) = r1
            *(u64 *)(r10 - 8) = r1
            *(u64 *)(r10 - 24) = r1
            r1 = r10
            r1 += -16
            r2 = 16
            call 16
            r9 = r0
            r1 = r10
            r1 += -24
            r2 = 5
            call 16
            r9 |= r0
            r1 = *(u64 *)(r10 - 16)
            *(u64 *)(r7 + 30) = r1
            r1 = *(u64 *)(r10 - 8)
            *(u64 *)(r7 + 38) = r1
            r1 = *(u64 *)(r10 - 24)
            *(u64 *)(r7 + 46) = r1
            r0 = r9
            exit
            out:
            r0 = 0xdead
            exit
            """;
        var outcome = AssertSameAsKernel("xdp", source, PacketHelperKernelTests.Packet);
        output.WriteLine($"pid_tgid {BitConverter.ToUInt64(outcome.DataOut, 14):x}, uid_gid {BitConverter.ToUInt64(outcome.DataOut, 22):x}, comm '{Encoding.ASCII.GetString(outcome.DataOut, 30, 16).TrimEnd('\0')}'");
    }

    [Fact]
    public void A_host_task_replaces_the_thread_in_our_runs()
    {
        var context = new RunContext { Task = new TaskIdentity(77, 78, 1000, 100, "a-very-long-command-name") };
        const string source = """
            call 14
            r6 = r0
            call 15
            r6 ^= r0
            r0 = r6
            exit
            """;
        foreach (var engine in new[] { ExecutionEngine.Interpreter, ExecutionEngine.Jit })
        {
            var outcome = RunHere(engine, KnownProgramTypes.Xdp, source, PacketHelperKernelTests.Packet, [], context);
            Assert.Equal((78u ^ 1000u), outcome.ReturnValue);
        }
        Assert.Equal("a-very-long-com"u8.ToArray(), context.Task.CommandBytes());
    }
}
