using System.Text;
using Xunit.Abstractions;
using static Ebpf.Linux.Tests.Helpers.HelperDifferential;

namespace Ebpf.Linux.Tests.Helpers;

/// <summary>bpf_snprintf and bpf_trace_printk: same return value and same formatted bytes as the kernel.</summary>
public class PrintfKernelTests(ITestOutputHelper output)
{
    /// <summary>
    /// XDP: arguments at r10 - 160 (ARGS), a 64-byte zeroed buffer at r10 - 64; r0 = snprintf(buffer, SIZE, CONST0,
    /// args, DATALEN); the buffer is copied to the packet at offset 14.
    /// </summary>
    private const string Snprintf = """
        r6 = r1
        r7 = *(u32 *)(r6 + 0)
        r8 = *(u32 *)(r6 + 4)
        r0 = r7
        r0 += 80
        if r0 > r8 goto out
        r1 = 0
        *(u64 *)(r10 - 64) = r1
        *(u64 *)(r10 - 56) = r1
        *(u64 *)(r10 - 48) = r1
        *(u64 *)(r10 - 40) = r1
        *(u64 *)(r10 - 32) = r1
        *(u64 *)(r10 - 24) = r1
        *(u64 *)(r10 - 16) = r1
        *(u64 *)(r10 - 8) = r1
        STRINGS
        ARGS
        r1 = r10
        r1 += -64
        r2 = SIZE
        r3 = CONST0
        r4 = r10
        r4 += -160
        r5 = DATALEN
        call 165
        r9 = r0
        COPY
        r0 = r9
        exit
        out:
        r0 = 0xdead
        exit
        """;

    /// <summary>Strings on the stack at r10 - 224 ("hello", 0) and r10 - 208 (192.168.1.2, then 2001:db8::1 at r10 - 204).</summary>
    private static readonly string Strings =
        StackBytes([.. Encoding.ASCII.GetBytes("hello"), 0, 0, 0], 224) +
        StackBytes([192, 168, 1, 2, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xab, 1, 0, 0, 0, 0], 208);

    /// <summary>An argument that is the address of the stack string at r10 - <paramref name="offset"/>.</summary>
    private const string StackAddress = "stack:";

    private static string Source(string format, object[] arguments, int size = 64)
    {
        var args = new StringBuilder();
        for (int i = 0; i < arguments.Length; i++)
        {
            if (arguments[i] is string s && s.StartsWith(StackAddress, StringComparison.Ordinal))
            {
                args.AppendLine("r1 = r10");
                args.AppendLine($"r1 += -{s[StackAddress.Length..]}");
            }
            else if (arguments[i] is "const1") args.AppendLine("r1 = CONST1");
            else args.AppendLine($"r1 = 0x{Convert.ToUInt64(arguments[i]):x} ll");
            args.AppendLine($"*(u64 *)(r10 - {160 - 8 * i}) = r1");
        }
        return Snprintf.Replace("STRINGS", Strings).Replace("ARGS", args.ToString()).Replace("SIZE", $"{size}")
            .Replace("DATALEN", $"{8 * arguments.Length}").Replace("COPY", StackToPacket(64, 64)).Replace("CONST0", "CONST0");
    }

    public static TheoryData<string, object[]> Formats() => new()
    {
        { "plain text, no conversions", [] },
        { "%d %i %u %x %X", [unchecked((ulong)-5L), 42UL, unchecked((ulong)-1L), 0xbeefUL, 0xbeefUL] },
        { "[%5d|%-5d|%05d|%+d|% d|%+5u]", [42UL, 42UL, unchecked((ulong)-42L), 7UL, 7UL, 3UL] },
        { "%ld %lld %lu %llx %lX", [unchecked((ulong)long.MinValue), unchecked((ulong)-2L), ulong.MaxValue, 0x1234567890abcdefUL, 0xabcUL] },
        { "%c%c%3c|%-3c|%%", [(ulong)'a', (ulong)'b', (ulong)'c', (ulong)'d'] },
        { "[%s|%8s|%-8s]", ["stack:224", "stack:224", "stack:224"] },
        { "%pI4 %pi4", ["stack:208", "stack:208"] },
        { "%pI6", ["stack:204"] },
        { "%pi6", ["stack:204"] },
        { "%pks.%s!", ["stack:224", 0UL] },
        { "%px %p %020px", [0x1234abcdUL, 0UL, 0xffUL] },
        { "%pI4x1 and %pI6c", ["stack:208", "stack:204"] },
        { "%d %d %d %d %d %d %d %d %d %d %d %d", [1UL, 2UL, 3UL, 4UL, 5UL, 6UL, 7UL, 8UL, 9UL, 10UL, 11UL, 12UL] },
        { "caf\u00e9 \u00c3\u00a9 %s\u00a1 %s\u00a0|%pI4\u00e9\u00a9|", ["stack:224", "stack:224", "stack:208"] },   // bytes >= 0x80 as text; Latin-1 ctype after conversions
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Snprintf_equals_the_kernels(string format, object[] arguments)
    {
        if (KernelRequirement.Missing(output)) return;
        var outcome = AssertSameAsKernel("xdp", Source(format, arguments), PacketHelperKernelTests.Packet, format);
        output.WriteLine($"retval {(int)outcome.ReturnValue}: {Encoding.ASCII.GetString(outcome.DataOut, 14, 64).TrimEnd('\0')}");
    }

    [Theory]
    [InlineData("%s", 600)]    // cut to the 511 bytes left in the 512-byte argument buffer
    [InlineData("%s%d", 600)]  // nothing left for the number: -ENOSPC
    [InlineData("%s%d", 500)]
    [InlineData("%s%c", 511)]  // the string and its NUL fill the buffer: -ENOSPC for the character
    public void Long_strings_fill_the_argument_buffer_like_the_kernel(string format, int length)
    {
        if (KernelRequirement.Missing(output)) return;
        string text = new('y', length);
        var outcome = AssertSameAsKernel("xdp", Source(format, ["const1", 7UL]), PacketHelperKernelTests.Packet, format, text);
        output.WriteLine($"retval {(int)outcome.ReturnValue}");
    }

    public static TheoryData<string, object[]> BadFormats() => new()
    {
        { "%.2d", [1UL] },
        { "%#x", [1UL] },
        { "%hd", [1UL] },
        { "%q", [1UL] },
        { "%d %d", [1UL] },
        { "%sa", ["stack:224"] },
        { "%pZ", [1UL] },
        { "%pI5", [1UL] },
        { "bell\a", [] },
        { "%\u00e9", [1UL] },   // non-ASCII after '%'
        { "trailing %", [1UL] },
    };

    /// <summary>
    /// The kernel's verifier checks a constant snprintf format when it loads the program and refuses a bad one; this
    /// runtime has no verifier pass for it, so the helper itself returns -EINVAL, what the kernel's own check returns.
    /// </summary>
    [Theory]
    [MemberData(nameof(BadFormats))]
    public void A_format_the_kernel_refuses_returns_EINVAL_here(string format, object[] arguments)
    {
        if (KernelRequirement.Missing(output)) return;
        var type = Ebpf.ProgramTypes.KnownProgramTypes.Xdp;
        var refused = Assert.Throws<KernelErrorException>(() => RunInKernel(type, Source(format, arguments), PacketHelperKernelTests.Packet, [format]));
        output.WriteLine(refused.Message.Split('\n').Last(l => l.Length > 0));
        foreach (var engine in new[] { Ebpf.Runtime.ExecutionEngine.Interpreter, Ebpf.Runtime.ExecutionEngine.Jit })
            Assert.Equal(unchecked((uint)-22), RunHere(engine, type, Source(format, arguments), PacketHelperKernelTests.Packet, [format]).ReturnValue);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(1)]
    public void Snprintf_cuts_the_text_to_the_buffer_and_counts_all_of_it_like_the_kernel(int size)
    {
        if (KernelRequirement.Missing(output)) return;
        AssertSameAsKernel("xdp", Source("hello %d world %s", [123UL, "stack:224"], size), PacketHelperKernelTests.Packet, "hello %d world %s");
        AssertSameAsKernel("xdp", Source("%pI4 is cut", ["stack:208"], size), PacketHelperKernelTests.Packet, "%pI4 is cut");
    }

    /// <summary>r0 = trace_printk(fmt on the stack at r10 - 64, SIZE, 1, -2, 0x30).</summary>
    private const string TracePrintk = """
        FORMAT
        r1 = r10
        r1 += -64
        r2 = SIZE
        r3 = 1
        r4 = -2
        r5 = 0x30
        call 6
        exit
        """;

    [Theory]
    [InlineData("helper test %d %d %c\n", 0)]
    [InlineData("helper test %d %d %d %d\n", 0)]   // -EINVAL: four conversions
    [InlineData("no terminator", -1)]             // -EINVAL: no NUL within fmt_size
    [InlineData("%s\n", 0)]                       // a string at address 1: printed as ""
    public void Trace_printk_returns_the_kernels_length(string format, int sizeAdjust)
    {
        if (KernelRequirement.Missing(output)) return;
        byte[] bytes = [.. Encoding.ASCII.GetBytes(format), 0];
        var padded = new byte[(bytes.Length + 7) / 8 * 8];
        bytes.CopyTo(padded, 0);
        string source = TracePrintk.Replace("FORMAT", StackBytes(padded, 64)).Replace("SIZE", $"{bytes.Length + sizeAdjust}");
        var outcome = AssertSameAsKernel("xdp", source, PacketHelperKernelTests.Packet);
        output.WriteLine($"retval {(int)outcome.ReturnValue}");
    }

    [Theory]
    [InlineData("five %d %d %d %d %d\n", 40)]
    [InlineData("five %d %d %d %d %d\n", 32)]   // -EINVAL: a conversion without an argument
    [InlineData("five %d %d %d %d %d\n", 36)]   // -EINVAL: not a multiple of 8
    public void Trace_vprintk_returns_the_kernels_length(string format, int dataLength)
    {
        if (KernelRequirement.Missing(output)) return;
        byte[] bytes = [.. Encoding.ASCII.GetBytes(format), 0];
        var padded = new byte[(bytes.Length + 7) / 8 * 8];
        bytes.CopyTo(padded, 0);
        string args = string.Concat(Enumerable.Range(0, 5).Select(i => $"r1 = {i * 111}\n*(u64 *)(r10 - {128 - 8 * i}) = r1\n"));
        string source = StackBytes(padded, 64) + args +
            $"r1 = r10\nr1 += -64\nr2 = {bytes.Length}\nr3 = r10\nr3 += -128\nr4 = {dataLength}\ncall 177\nexit\n";
        var outcome = AssertSameAsKernel("xdp", source, PacketHelperKernelTests.Packet);
        output.WriteLine($"retval {(int)outcome.ReturnValue}");
    }
}
