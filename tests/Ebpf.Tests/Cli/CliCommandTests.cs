using Ebpf.Tests.Support;

namespace Ebpf.Tests.Cli;

public sealed class CliCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ebpf-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteFile(string name, string text)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Asm_then_exec_runs_the_program_on_the_given_memory()
    {
        string source = WriteFile("sum.s", """
            # r0 = first byte + second byte
            r0 = *(u8 *)(r1 + 0)
            r2 = *(u8 *)(r1 + 1)
            r0 += r2
            exit
            """);
        var (asmExit, asmOutput, _) = CliRunner.Run("asm", source, "-o", Path.Combine(_directory, "sum.bin"));
        Assert.Equal(0, asmExit);
        Assert.Contains("4 instruction slots (32 bytes) written", asmOutput);

        var (exitCode, output, error) = CliRunner.Run("exec", Path.Combine(_directory, "sum.bin"), "--mem-hex", "10 20");
        Assert.Equal("", error);
        Assert.Equal(0, exitCode);
        Assert.Equal("0x30\n", output);
    }

    [Fact]
    public void Exec_unchecked_runs_what_the_verifier_accepts_and_refuses_the_rest()
    {
        string safe = WriteFile("safe.s", """
            # r0 = the first two bytes added, after proving there are two
            r0 = 0
            if r2 < 2 goto out
            r0 = *(u8 *)(r1 + 0)
            r3 = *(u8 *)(r1 + 1)
            r0 += r3
            out:
            exit
            """);
        string unsafeProgram = WriteFile("unsafe.s", "r0 = *(u8 *)(r1 + 0)\nexit\n");
        Assert.Equal(0, CliRunner.Run("asm", safe, "-o", Path.Combine(_directory, "safe.bin")).ExitCode);
        Assert.Equal(0, CliRunner.Run("asm", unsafeProgram, "-o", Path.Combine(_directory, "unsafe.bin")).ExitCode);

        var (exitCode, output, _) = CliRunner.Run("exec", Path.Combine(_directory, "safe.bin"), "--mem-hex", "10 20", "--unchecked");
        Assert.Equal(0, exitCode);
        Assert.Equal("0x30\n", output);

        var (refusedExit, _, error) = CliRunner.Run("exec", Path.Combine(_directory, "unsafe.bin"), "--mem-hex", "10 20", "--unchecked");
        Assert.Equal(1, refusedExit);
        Assert.Contains("program 'raw' rejected", error);
        Assert.Contains("if r2 < 1 goto", error);
        Assert.Equal(0, CliRunner.Run("exec", Path.Combine(_directory, "unsafe.bin"), "--mem-hex", "10 20").ExitCode);   // checked: runs
    }

    [Fact]
    public void Asm_errors_name_the_file_line_and_column()
    {
        string source = WriteFile("bad.s", "r0 = 1\nr0 += q\nexit\n");
        var (exitCode, _, error) = CliRunner.Run("asm", source);
        Assert.Equal(2, exitCode);
        Assert.StartsWith($"error: {source}: line 2, column 7:", error);
    }

    [Fact]
    public void Asm_refuses_a_program_the_validator_rejects()
    {
        string source = WriteFile("fall.s", "r0 = 1\n");
        var (exitCode, _, error) = CliRunner.Run("asm", source);
        Assert.Equal(1, exitCode);
        Assert.Contains("instruction 0: the last instruction can fall through past the end", error);
    }

    [Fact]
    public void Disasm_of_raw_bytecode_prints_index_and_llvm_text()
    {
        string path = Path.Combine(_directory, "p.bin");
        File.WriteAllBytes(path, Convert.FromHexString("b7000000ffffffff" + "1801000078563412" + "00000000f0debc9a" + "9500000000000000"));
        var (exitCode, output, _) = CliRunner.Run("disasm", path);
        Assert.Equal(0, exitCode);
        Assert.Equal("       0:\tr0 = -1\n       1:\tr1 = -7296712173568108936 ll\n       3:\texit\n", output);
    }

    [Fact]
    public void Disasm_of_an_elf_object_matches_llvm_objdump_layout()
    {
        string obj = Path.Combine(RepositoryPaths.Root, "examples", "exec", "ipv4_checksum.o");
        var (exitCode, output, _) = CliRunner.Run("disasm", obj);
        Assert.Equal(0, exitCode);
        Assert.StartsWith($"\n{obj}:\tfile format elf64-bpf\n\nDisassembly of section .text:\n\n0000000000000000 <checksum>:\n       0:\tr0 = 0\n", output);
    }

    [Fact]
    public void Exec_runs_a_clang_compiled_object()
    {
        string obj = Path.Combine(RepositoryPaths.Root, "examples", "exec", "ipv4_checksum.o");
        string data = Path.Combine(RepositoryPaths.Root, "examples", "exec", "ipv4_header.bin");
        var (exitCode, output, _) = CliRunner.Run("exec", obj, "--mem-file", data);
        Assert.Equal(0, exitCode);
        Assert.Equal("0x9b1a\n", output);
    }

    [Fact]
    public void Exec_reports_a_fault_with_instruction_address_and_size()
    {
        string path = Path.Combine(_directory, "oob.bin");
        File.WriteAllBytes(path, Convert.FromHexString("6110080000000000" + "9500000000000000"));
        var (exitCode, _, error) = CliRunner.Run("exec", path, "--mem-hex", "01020304");
        Assert.Equal(1, exitCode);
        Assert.StartsWith("error: program fault at instruction 0: out-of-bounds read of 4 bytes at 0x", error);
    }

    [Fact]
    public void Exec_stops_a_runaway_program_at_the_budget()
    {
        string path = Path.Combine(_directory, "loop.bin");
        File.WriteAllBytes(path, Convert.FromHexString("05 00 ff ff 00 00 00 00".Replace(" ", "")));
        var (exitCode, _, error) = CliRunner.Run("exec", path, "--budget", "100");
        Assert.Equal(1, exitCode);
        Assert.Contains("budget of 100 instructions", error);
    }

    [Theory]
    [InlineData(new[] { "exec", "missing.bin" }, 2, "cannot read 'missing.bin'")]
    [InlineData(new[] { "exec", "x", "--mem-hex", "00", "--mem-file", "y" }, 1, "either as --mem-hex or as --mem-file")]
    [InlineData(new[] { "exec", "x", "--engine", "gpu" }, 1, "gpu")]
    [InlineData(new[] { "nonsense" }, 1, "nonsense")]
    public void Bad_arguments_fail_with_a_clear_message(string[] args, int expectedExit, string expectedText)
    {
        var (exitCode, _, error) = CliRunner.Run(args);
        Assert.Equal(expectedExit, exitCode);
        Assert.Contains(expectedText, error);
    }

    [Fact]
    public void Malformed_hex_memory_is_a_usage_error()
    {
        string obj = Path.Combine(RepositoryPaths.Root, "examples", "exec", "ipv4_checksum.o");
        var (exitCode, _, error) = CliRunner.Run("exec", obj, "--mem-hex", "0g");
        Assert.Equal(2, exitCode);
        Assert.Equal("error: --mem-hex: 'g' at position 2 is not a hex digit; give bytes as hex pairs such as \"0a 1b ff\"\n", error);
    }

    [Theory]
    [InlineData("asm")]
    [InlineData("disasm")]
    [InlineData("exec")]
    [InlineData("conformance-plugin")]
    public void Every_command_has_help(string command)
    {
        var (exitCode, output, _) = CliRunner.Run(command, "--help");
        Assert.Equal(0, exitCode);
        Assert.Contains("Usage:", output);
    }
}
