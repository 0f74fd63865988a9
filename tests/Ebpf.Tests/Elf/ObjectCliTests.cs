using Ebpf.Tests.Cli;

namespace Ebpf.Tests.Elf;

public class ObjectCliTests
{
    [Fact]
    public void Disasm_source_interleaves_btf_line_records_as_llvm_objdump_does()
    {
        var (exitCode, output, _) = CliRunner.Run("disasm", "--source", TestObjects.PathOf("calls.o"));

        Assert.Equal(0, exitCode);
        Assert.Contains(
            "0000000000000038 <square>:\n" +
            "; static __attribute__((noinline)) int square(int x)\n" +
            "       7:\tr0 = r1\n" +
            "; \treturn x * x;\n" +
            "       8:\tr0 *= r0\n" +
            "       9:\texit\n", output);
        Assert.Contains("<on_write>:\n; \treturn sum_of_squares(3, 4);\n       0:\tr1 = 3\n       1:\tr2 = 4\n       2:\tcall -1\n", output);
    }

    [Fact]
    public void Disasm_without_source_prints_no_source_lines()
    {
        var (exitCode, output, _) = CliRunner.Run("disasm", TestObjects.PathOf("calls.o"));

        Assert.Equal(0, exitCode);
        Assert.DoesNotContain(";", output);
    }

    [Fact]
    public void Disasm_source_of_an_object_without_btf_is_a_usage_error()
    {
        var (exitCode, _, error) = CliRunner.Run("disasm", "--source", TestObjects.PathOf("no_symbols.o"));

        Assert.Equal(2, exitCode);
        Assert.Contains("no BTF", error);
    }

    [Theory]
    [InlineData("on_write", "0x19\n")]   // sum_of_squares(3, 4), through two linked .text functions
    [InlineData("on_open", "0x32\n")]    // twice(square(5))
    public void Exec_runs_the_linked_program(string program, string expected)
    {
        var (exitCode, output, error) = CliRunner.Run("exec", TestObjects.PathOf("calls.o"), "--function", program, "--mem-hex", "00");

        Assert.True(exitCode == 0, error);
        Assert.Equal(expected, output);
    }
}

public class ObjectCliObjdumpTests
{
    [Fact]
    public void Disasm_source_matches_llvm_objdump_14_where_btf_and_dwarf_agree()
    {
        // TestData/prog_array.objdump-S.txt is `llvm-objdump-14 -S --no-show-raw-insn prog_array.o`, run in tests/objects.
        string expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Elf", "TestData", "prog_array.objdump-S.txt"));
        var (exitCode, output, _) = Ebpf.Tests.Cli.CliRunner.Run("disasm", "--source", TestObjects.PathOf("prog_array.o"));

        Assert.Equal(0, exitCode);
        Assert.Equal(expected.Replace("prog_array.o:\tfile format", $"{TestObjects.PathOf("prog_array.o")}:\tfile format"), output);
    }
}
