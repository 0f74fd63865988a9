using System.Text;
using Ebpf.Runtime;

namespace Ebpf.Tests.Helpers;

/// <summary>bpf_trace_printk and bpf_snprintf on every engine: the kernel's format rules, lengths and error returns.</summary>
public abstract class PrintHelperTests
{
    protected abstract ExecutionEngine Engine { get; }

    public sealed class OnInterpreter : PrintHelperTests
    {
        protected override ExecutionEngine Engine => ExecutionEngine.Interpreter;
    }

    public sealed class OnJit : PrintHelperTests
    {
        protected override ExecutionEngine Engine => ExecutionEngine.Jit;
    }

    /// <summary>trace_printk(memory, SIZE, r3, r4, r5) with the format in the run's memory.</summary>
    private const string TracePrintk = """
        r2 = SIZE
        r3 = A1 ll
        r4 = A2 ll
        r5 = A3 ll
        call 6
        exit
        """;

    private (ulong Result, List<string> Lines) Trace(string format, ulong a1 = 0, ulong a2 = 0, ulong a3 = 0, int? size = null)
    {
        byte[] memory = [.. Encoding.Latin1.GetBytes(format), 0];
        var lines = new List<string>();
        var context = new RunContext { TraceSink = lines.Add };
        string source = TracePrintk.Replace("SIZE", $"{size ?? memory.Length}").Replace("A1", $"0x{a1:x}").Replace("A2", $"0x{a2:x}").Replace("A3", $"0x{a3:x}");
        return (new HelperRun(Engine).Run(source, memory, context), lines);
    }

    [Fact]
    public void Trace_printk_writes_the_formatted_line_to_the_sink_and_returns_its_length()
    {
        var (result, lines) = Trace("value %d, hex %x, char %c\n", unchecked((ulong)-7L), 255, 'z');
        Assert.Equal(["value -7, hex ff, char z\n"], lines);
        Assert.Equal(25UL, result);
    }

    [Fact]
    public void Trace_printk_without_a_sink_still_returns_the_length()
    {
        byte[] memory = [.. "abc %u"u8, 0];
        Assert.Equal(7UL, new HelperRun(Engine).Run(TracePrintk.Replace("SIZE", "7").Replace("A1", "123").Replace("A2", "0").Replace("A3", "0"), memory));
    }

    [Theory]
    [InlineData("%d %d %d %d", -22)]   // four conversions, three arguments
    [InlineData("%5.2d", -22)]         // no precision
    [InlineData("%lu %llu %lld", 0)]
    [InlineData("%hhd", -22)]
    [InlineData("%z", -22)]
    [InlineData("caf\u00e9", 0)]       // bytes >= 0x80 pass as text (UTF-8), as in Linux 6.18
    [InlineData("%\u00e9", -22)]       // but not inside a conversion
    public void Trace_printk_checks_the_format_like_the_kernel(string format, int expected)
    {
        var (result, lines) = Trace(format);
        if (expected < 0)
        {
            Assert.Equal(HelperRun.Errno(-expected), result);
            Assert.Empty(lines);
        }
        else Assert.Single(lines);
    }

    [Fact]
    public void Trace_printk_needs_a_nul_within_fmt_size()
    {
        var (result, lines) = Trace("abc", size: 3);
        Assert.Equal(HelperRun.Errno(22), result);
        Assert.Empty(lines);
    }

    [Fact]
    public void Trace_printk_cuts_the_line_at_1023_bytes_and_returns_the_whole_length()
    {
        var (result, lines) = Trace("%01100d", 5);
        Assert.Equal(1100UL, result);
        Assert.Equal(1023, lines.Single().Length);
    }

    /// <summary>snprintf(memory, SIZE, CONST0, r10 - 96, DATALEN) with the arguments stored at r10 - 96.</summary>
    private string Snprintf(string format, ulong[] arguments, int size, out ulong result, byte[]? memory = null, string? extra = null)
    {
        var args = new StringBuilder(extra);
        for (int i = 0; i < arguments.Length; i++)
            args.AppendLine($"r1 = 0x{arguments[i]:x} ll\n*(u64 *)(r10 - {96 - 8 * i}) = r1");
        string source = args + $"r1 = {(size == 0 ? "0" : "r6")}\nr2 = {size}\nr3 = CONST0\nr4 = r10\nr4 += -96\nr5 = {8 * arguments.Length}\ncall 165\nexit\n";
        memory ??= new byte[64];
        result = new HelperRun(Engine).Run("r6 = r1\n" + source, memory, null, format);
        int nul = Array.IndexOf(memory, (byte)0);
        return Encoding.ASCII.GetString(memory, 0, nul < 0 ? memory.Length : nul);
    }

    [Theory]
    [InlineData("%d|%5u|%-4x|%04X", new ulong[] { unchecked((ulong)-1L), 7, 0xab, 0xcd }, "-1|    7|ab  |00CD")]
    [InlineData("%llx %ld", new ulong[] { 0x1122334455667788, 0x8000000000000000 }, "1122334455667788 -9223372036854775808")]
    [InlineData("%u", new ulong[] { 0xffffffff00000005 }, "5")]          // int conversions take the low 32 bits
    [InlineData("100%%", new ulong[0], "100%")]
    [InlineData("%px|%p|%5px", new ulong[] { 0xdead, 0, 0xff }, "000000000000dead|0000000000000000|   ff")]
    [InlineData("%pS", new ulong[] { 0xffffffff81000000 }, "0xffffffff81000000")]
    [InlineData("[%pB]", new ulong[] { 0x10 }, "[0x10]")]
    public void Snprintf_formats_like_the_kernel(string format, ulong[] arguments, string expected)
    {
        string text = Snprintf(format, arguments, 64, out ulong result);
        Assert.Equal(expected, text);
        Assert.Equal((ulong)expected.Length + 1, result);
    }

    [Fact]
    public void Percent_p_hashes_the_address_the_same_way_each_time_and_hides_it()
    {
        string first = Snprintf("%p", [0x12345678abcd], 64, out _);
        string second = Snprintf("%pK", [0x12345678abcd], 64, out _);
        Assert.Equal(first, second);
        Assert.Matches("^00000000[0-9a-f]{8}$", first);
        Assert.NotEqual("000012345678abcd", first);
    }

    [Fact]
    public void Snprintf_with_no_buffer_returns_the_length_it_needs()
    {
        Snprintf("%d apples", [12], 0, out ulong result);
        Assert.Equal(10UL, result);
    }

    [Fact]
    public void Snprintf_cuts_and_terminates_the_text()
    {
        var memory = Enumerable.Repeat((byte)0xee, 8).ToArray();
        string text = Snprintf("hello world", [], 4, out ulong result, memory);
        Assert.Equal("hel", text);
        Assert.Equal(12UL, result);
        Assert.Equal(0xee, memory[4]);
    }

    [Theory]
    [InlineData(12)]   // not a multiple of 8
    [InlineData(104)]  // 13 arguments
    public void Snprintf_refuses_a_bad_data_length(int dataLength)
    {
        string source = "r6 = r1\n" + string.Concat(Enumerable.Range(0, 13).Select(i => $"*(u64 *)(r10 - {104 - 8 * i}) = 0\n")) +
            $"r1 = r6\nr2 = 8\nr3 = CONST0\nr4 = r10\nr4 += -104\nr5 = {dataLength}\ncall 165\nexit\n";
        Assert.Equal(HelperRun.Errno(22), new HelperRun(Engine).Run(source, new byte[8], null, "%d"));
    }

    [Fact]
    public void Strings_fill_the_kernels_512_byte_argument_buffer_then_ENOSPC()
    {
        // A 600-byte string is cut to the 511 bytes that fit with its NUL; nothing is left for the next argument.
        var memory = new byte[1024];
        Array.Fill(memory, (byte)'x', 0, 600);
        string source = "r6 = r1\n*(u64 *)(r10 - 16) = r6\n*(u64 *)(r10 - 8) = 0\nr1 = r6\nr1 += 700\nr2 = 300\nr3 = CONST0\nr4 = r10\nr4 += -16\nr5 = RLEN\ncall 165\nexit\n";
        Assert.Equal(HelperRun.Errno(28), new HelperRun(Engine).Run(source.Replace("RLEN", "16"), memory, null, "%s%d"));
        ulong length = new HelperRun(Engine).Run(source.Replace("RLEN", "8"), memory, null, "%s");
        Assert.Equal(512UL, length);
    }

    [Fact]
    public void A_format_that_is_not_a_string_in_the_runs_memory_faults()
    {
        const string source = "r2 = 8\nr3 = 0x1000 ll\nr4 = 0\nr5 = 0\ncall 165\nexit\n";
        var fault = Assert.Throws<ProgramFaultException>(() => new HelperRun(Engine).Run(source, new byte[8]));
        Assert.Contains("bpf_snprintf: argument 3", fault.Message);
    }

    [Fact]
    public void Trace_vprintk_takes_up_to_twelve_arguments_from_an_array()
    {
        byte[] memory = [.. "%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d"u8, 0];
        var lines = new List<string>();
        string args = string.Concat(Enumerable.Range(0, 12).Select(i => $"r1 = {i + 1}\n*(u64 *)(r10 - {96 - 8 * i}) = r1\n"));
        string source = "r6 = r1\n" + args + $"r1 = r6\nr2 = {memory.Length}\nr3 = r10\nr3 += -96\nr4 = 96\ncall 177\nexit\n";
        Assert.Equal(26UL, new HelperRun(Engine).Run(source, memory, new RunContext { TraceSink = lines.Add }));
        Assert.Equal(["1,2,3,4,5,6,7,8,9,10,11,12"], lines);
    }
}
