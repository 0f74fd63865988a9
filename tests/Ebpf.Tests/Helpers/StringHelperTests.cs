using System.Text;
using Ebpf.Runtime;

namespace Ebpf.Tests.Helpers;

/// <summary>bpf_strtol, bpf_strtoul and bpf_strncmp on every engine (the kernel tests compare them with Linux too).</summary>
public abstract class StringHelperTests
{
    protected abstract ExecutionEngine Engine { get; }

    public sealed class OnInterpreter : StringHelperTests
    {
        protected override ExecutionEngine Engine => ExecutionEngine.Interpreter;
    }

    public sealed class OnJit : StringHelperTests
    {
        protected override ExecutionEngine Engine => ExecutionEngine.Jit;
    }

    /// <summary>Memory: 8 result bytes, then the text; r0 = HELPER(text, LEN, FLAGS, memory).</summary>
    private (long Result, long Value) Parse(int helper, string text, ulong flags)
    {
        var memory = new byte[8 + Math.Max(text.Length, 1)];
        Array.Fill(memory, (byte)0x77, 0, 8);
        Encoding.Latin1.GetBytes(text).CopyTo(memory, 8);
        string source = $"r4 = r1\nr1 += 8\nr2 = {text.Length}\nr3 = 0x{flags:x} ll\ncall {helper}\nexit\n";
        long result = (long)new HelperRun(Engine).Run(source, memory);
        return (result, BitConverter.ToInt64(memory, 0));
    }

    [Theory]
    [InlineData("42", 0UL, 2L, 42L)]
    [InlineData(" \t-17xyz", 10UL, 5L, -17L)]
    [InlineData("0x7fffffffffffffff", 0UL, 18L, long.MaxValue)]
    [InlineData("0x8000000000000000", 0UL, -34L, 0L)]
    [InlineData("010", 0UL, 3L, 8L)]
    [InlineData("ff", 16UL, 2L, 255L)]
    [InlineData("\u00a0\u00a05", 0UL, 3L, 5L)]   // the kernel's isspace counts 0xA0 (Latin-1 NBSP)
    [InlineData("-", 0UL, -22L, 0L)]
    [InlineData("", 0UL, -22L, 0L)]
    [InlineData("z", 0UL, -22L, 0L)]
    [InlineData("1", 7UL, -22L, 0L)]
    [InlineData("1", 0x110UL, -22L, 0L)]
    public void Strtol_parses_like_the_kernel(string text, ulong flags, long result, long value)
    {
        var (r, v) = Parse(105, text, flags);
        Assert.Equal(result, r);
        Assert.Equal(value, v);   // zero on every error
    }

    [Theory]
    [InlineData("18446744073709551615", 20L, -1L)]
    [InlineData("-5", -22L, 0L)]
    [InlineData("0XFF", 4L, 255L)]
    public void Strtoul_parses_like_the_kernel(string text, long result, long value)
    {
        var (r, v) = Parse(106, text, 0);
        Assert.Equal(result, r);
        Assert.Equal(value, v);
    }

    [Fact]
    public void Only_63_characters_are_parsed()
    {
        var (r, v) = Parse(105, new string('0', 70) + "1", 10);
        Assert.Equal(63L, r);
        Assert.Equal(0L, v);
    }

    [Theory]
    [InlineData("abc", 3, "abc", 0L)]
    [InlineData("abd", 3, "abc", 1L)]
    [InlineData("ab", 3, "abc", -1L)]
    [InlineData("abcdef", 3, "abc", 0L)]
    [InlineData("abc", 4, "abcd", -1L)]
    [InlineData("\u00e9", 1, "e", 1L)]
    public void Strncmp_compares_like_the_kernel(string s1, int size, string s2, long expected)
    {
        byte[] memory = [.. Encoding.Latin1.GetBytes(s1), 0];
        Assert.Equal(expected, (long)new HelperRun(Engine).Run($"r2 = {size}\nr3 = CONST0\ncall 182\nexit\n", memory, null, s2));
    }
}
