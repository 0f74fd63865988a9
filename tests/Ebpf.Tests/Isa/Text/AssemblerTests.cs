using Xunit;
using Ebpf.Isa;
using Ebpf.Isa.Text;

namespace Ebpf.Tests.Isa.Text;

public sealed class AssemblerTests
{
    public static TheoryData<InstructionCase> AllCases
    {
        get
        {
            var data = new TheoryData<InstructionCase>();
            foreach (var row in InstructionTable.Load("instructions.txt").Concat(InstructionTable.Load("extensions.txt")))
                data.Add(row);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void Every_table_text_assembles_back_to_its_bytes(InstructionCase row)
    {
        Assert.Equal(row.Hex, Hex(Assembler.Assemble(row.DecimalText)));
        Assert.Equal(row.Hex, Hex(Assembler.Assemble(row.HexadecimalText)));
    }

    [Theory]
    [InlineData("r1 = 0xffffffff", "b7010000ffffffff")]
    [InlineData("r1 = -0x80000000", "b701000000000080")]
    [InlineData("w1 = 4294967295", "b4010000ffffffff")]
    [InlineData("*(u32 *)(r10 - 8) = 0xffffffff", "620af8ffffffffff")]
    [InlineData("*(u32 *)(r10 - 8) = w1", "631af8ff00000000")]
    [InlineData("w0 = *(u8 *)(r1 + 0)", "7110000000000000")]
    [InlineData("lock *(u32 *)(r1 + 0) += r2", "c321000000000000")]
    [InlineData("r1 = 0xffffffffffffffff ll", "18010000ffffffff00000000ffffffff")]
    [InlineData("r1 = -0x8000000000000000 ll", "18010000000000000000000000000080")]
    [InlineData("goto 5", "0500050000000000")]
    [InlineData("r1+=2", "0701000002000000")]
    [InlineData("  r1   =   - 5  ", "b7010000fbffffff")]
    [InlineData("r1 = +5", "b701000005000000")]
    [InlineData("r1 = 0X10", "b701000010000000")]
    [InlineData("call 0xffffffff", "85000000ffffffff")]
    [InlineData(".quad -1", "ffffffffffffffff")]
    [InlineData(".quad 0x0102030405060708", "0807060504030201")]
    [InlineData("r0 = *(u16 *)skb[0x20]", "2800000020000000")]
    public void Accepts_the_spellings_llvm_mc_accepts(string source, string hex) =>
        Assert.Equal(hex, Hex(Assembler.Assemble(source)));

    [Fact]
    public void Labels_resolve_to_relative_distances()
    {
        const string source = """
            entry:  r0 = 0          # a comment
                    if r1 > r2 goto out
            loop:
                    r0 += 1         // another comment
                    r3 = 0x100000000 ll ; and another
                    if w0 s< 10 goto loop
                    call helper
                    gotol out
                    r1 = func(helper) ll
            out:    exit
            helper: r0 = 7
                    exit
            """;
        var bytes = Hex(Assembler.Assemble(source));
        Assert.Equal(
            "b700000000000000" +
            "2d21080000000000" +        // slot 1: goto out (slot 10) = +8
            "0700000001000000" +        // slot 2: loop
            "18030000000000000000000001000000" +
            "c600fcff0a000000" +        // slot 5: goto loop (slot 2) = -4
            "8510000004000000" +        // slot 6: call helper (slot 11) = +4
            "0600000002000000" +        // slot 7: gotol out = +2
            "18410000020000000000000000000000" + // slot 8: func(helper) = 11 - 9 = +2
            "9500000000000000" +
            "b700000007000000" +
            "9500000000000000",
            bytes);
    }

    [Theory]
    [InlineData("r2 = callback ll")]        // LLVM's syntax for a function's address
    [InlineData("r2 = func(callback) ll")]  // this project's explicit form
    [InlineData("r2 = func(+2) ll")]
    [InlineData("ld_pseudo r2, 4, 2")]      // how llvm-objdump prints a lddw with a source field
    public void Function_references_assemble_to_a_lddw_with_source_4(string load)
    {
        var program = Assembler.Assemble($"{load}\nexit\ncallback:\nr0 = 0\nexit\n");
        Assert.Equal("18420000020000000000000000000000" + "9500000000000000" + "b700000000000000" + "9500000000000000", Hex(program));
    }

    [Fact]
    public void Ld_pseudo_takes_any_known_pseudo_source()
    {
        Assert.Equal("18510000070000000000000000000000", Hex(Assembler.Assemble("ld_pseudo r1, 5, 7")));
        var error = Assert.Throws<AssemblerException>(() => Assembler.Assemble("ld_pseudo r1, 9, 7"));
        Assert.Contains("ld_pseudo source 9 is not a known pseudo form (1 to 6)", error.Message);
    }

    [Fact]
    public void Llvm_objdump_index_columns_are_ignored()
    {
        const string source = "       0:\tr1 = 0x5\n       1:\tr2 = 0x567800001234 ll\n       3:\texit\n";
        Assert.Equal("b701000005000000" + "18020000341200000000000078560000" + "9500000000000000", Hex(Assembler.Assemble(source)));
    }

    [Fact]
    public void Blank_and_comment_only_sources_assemble_to_nothing()
    {
        Assert.Empty(Assembler.Assemble("\n  \n# nothing\r\n// still nothing\n; really\n"));
    }

    [Theory]
    [InlineData("r1 = foo", 1, 6, "expected a register (r0-r10) or an immediate, found 'foo'")]
    [InlineData("exit\nexit\nr1 += foo", 3, 7, "expected a register (r0-r10) or an immediate, found 'foo'")]
    [InlineData("r11 = 1", 1, 1, "invalid register 'r11'; registers are r0 to r10 (w0 to w10 for 32 bits)")]
    [InlineData("r1 = w12", 1, 6, "invalid register 'w12'; registers are r0 to r10 (w0 to w10 for 32 bits)")]
    [InlineData("w1 += r2", 1, 7, "expected a 32-bit register (w0-w10), found 'r2'")]
    [InlineData("if r1 > w2 goto +1", 1, 9, "expected a 64-bit register (r0-r10), found 'w2'")]
    [InlineData("goto nowhere", 1, 6, "unknown label 'nowhere'")]
    [InlineData("a: exit\n  a: exit", 2, 3, "the label 'a' is already defined (at instruction 0)")]
    [InlineData("r1: exit", 1, 1, "'r1' is a register name and cannot be a label")]
    [InlineData("r1 = 0x100000000", 1, 6, "4294967296 is out of range: a 32-bit immediate is -2147483648 to 4294967295")]
    [InlineData("r1 = -0x80000001", 1, 6, "-2147483649 is out of range: a 32-bit immediate is -2147483648 to 4294967295")]
    [InlineData("r0 = *(u8 *)(r1 + 32768)", 1, 17, "32768 is out of range: a 16-bit offset is -32768 to 32767")]
    [InlineData("goto -32769", 1, 6, "-32769 is out of range: a 16-bit offset is -32768 to 32767")]
    [InlineData("gotol +2147483648", 1, 7, "2147483648 is out of range: a 32-bit distance is -2147483648 to 2147483647")]
    [InlineData("r1 = 0x10000000000000000 ll", 1, 6, "the number '0x10000000000000000' does not fit in 64 bits")]
    [InlineData("r1 = -0x8000000000000001 ll", 1, 6, "-9223372036854775809 is out of range: a 64-bit immediate is -9223372036854775808 to 18446744073709551615")]
    [InlineData("exit exit", 1, 6, "unexpected 'exit' after the end of the instruction")]
    [InlineData("r1 = 5 ll extra", 1, 11, "unexpected 'extra' after the end of the instruction")]
    [InlineData("r1 += 5 6", 1, 9, "unexpected '6' after the end of the instruction")]
    [InlineData("frobnicate r1", 1, 1, "unknown instruction 'frobnicate'")]
    [InlineData("r1 = @", 1, 6, "unexpected character '@'")]
    [InlineData("r1 = 12ab", 1, 6, "malformed number '12ab'; write decimal digits or 0x and hexadecimal digits")]
    [InlineData("r1 = -r2", 1, 7, "expected 'r1', found 'r2': a negation names its destination register twice")]
    [InlineData("r1 = be16 r2", 1, 11, "expected 'r1', found 'r2': a byte swap names its destination register twice")]
    [InlineData("w1 = (s32)w2", 1, 7, "expected a sign-extension width (s8 or s16), found 's32'")]
    [InlineData("r0 = *(u128 *)(r1 + 0)", 1, 8, "expected an access type (u8, u16, u32, u64, s8, s16 or s32), found 'u128'")]
    [InlineData("r0 = *(s64 *)(r1 + 0)", 1, 8, "there is no sign-extending 64-bit load; use u64")]
    [InlineData("*(s8 *)(r1 + 0) = 1", 1, 3, "expected an access type (u8, u16, u32 or u64), found 's8'")]
    [InlineData("r0 = *(u32 *)(w1 + 0)", 1, 15, "expected a 64-bit register (r0-r10), found 'w1'")]
    [InlineData("r0 = *(u32 *)(r1)", 1, 17, "expected '+' or '-' and an offset, found ')'")]
    [InlineData("r0 = *(u32 *)(r1 + 4", 1, 21, "expected ')', found the end of the line")]
    [InlineData("if r1 => r2 goto +1", 1, 7, "expected a comparison such as '==', '!=', '>', 's<' or '&', found '='")]
    [InlineData("if r1 > r2 goto", 1, 16, "expected a jump distance or a label, found the end of the line")]
    [InlineData("if r1 > r2 +1", 1, 12, "expected 'goto', found '+'")]
    [InlineData("r1 = cmpxchg_64(r2 + 0, r0, r3)", 1, 1, "compare-and-exchange always returns the old value in r0")]
    [InlineData("r0 = cmpxchg_64(r2 + 0, r1, r3)", 1, 25, "expected 'r0', found 'r1': compare-and-exchange always compares with r0")]
    [InlineData("r2 = atomic_fetch_add((u64 *)(r1 + 0), r3)", 1, 40, "expected 'r2', found 'r3': the register that receives the old value must also be the operand")]
    [InlineData("lock *(u16 *)(r1 + 0) += r2", 1, 6, "atomic operations work on u32 or u64")]
    [InlineData("lock *(u64 *)(r1 + 0) -= r2", 1, 23, "expected one of '+=', '|=', '&=', '^=', found '-='")]
    [InlineData("r1 = *(u8 *)skb[5]", 1, 1, "a packet load always loads into r0")]
    [InlineData("w1 = 5 ll", 1, 1, "a 64-bit immediate load needs a 64-bit register (r0-r10)")]
    [InlineData("r1 = map_value(1) ll", 1, 17, "expected ',', found ')'")]
    [InlineData("r1 = map_fd(1)", 1, 15, "expected 'll' after map_fd(…), found the end of the line")]
    [InlineData("r1 == r2", 1, 4, "expected '=' or an operator such as '+=', found '=='")]
    public void Reports_errors_with_line_column_and_reason(string source, int line, int column, string reason)
    {
        var error = Assert.Throws<AssemblerException>(() => Assembler.Assemble(source));
        Assert.Equal((line, column, reason), (error.Line, error.Column, error.Reason));
        Assert.Equal($"line {line}, column {column}: {reason}", error.Message);
        Assert.IsAssignableFrom<EbpfException>(error);
    }

    [Fact]
    public void A_label_too_far_for_a_16_bit_offset_is_an_error_that_suggests_gotol()
    {
        string source = "goto far\n" + string.Concat(Enumerable.Repeat("r0 = 0\n", 40000)) + "far: exit\n";
        var error = Assert.Throws<AssemblerException>(() => Assembler.Assemble(source));
        Assert.Equal((1, 6), (error.Line, error.Column));
        Assert.Equal("the label 'far' is 40000 instructions away, beyond the 16-bit jump offset (-32768 to 32767); use gotol for far jumps", error.Reason);
        Assert.Equal("06000000409c0000", Hex(Assembler.Assemble(source.Replace("goto far", "gotol far")))[..16]);
    }

    private static string Hex(Bytecode program) => Convert.ToHexString(program.ToBytes()).ToLowerInvariant();
}
