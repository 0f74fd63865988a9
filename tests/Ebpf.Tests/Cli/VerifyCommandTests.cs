using System.Text.Json.Nodes;
using Ebpf.Isa.Text;
using Ebpf.Tests.Support;

namespace Ebpf.Tests.Cli;

/// <summary><c>ebpf verify</c>: verdicts, explanations, JSON, exit codes.</summary>
public class VerifyCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ebpf-verify-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string RepositoryPath(params string[] parts) => Path.Combine([RepositoryPaths.Root, .. parts]);

    [Theory]
    [InlineData("examples", "xdp_counter.o", "count_protocols")]
    [InlineData("examples", "maps_tour.o", "tour")]
    [InlineData("tests/objects", "calls.o", "on_write")]
    public void Accepted_objects_exit_0_and_say_so(string directory, string file, string program)
    {
        var (exitCode, output, error) = CliRunner.Run("verify", RepositoryPath(directory, file));
        Assert.Equal("", error);
        Assert.Equal(0, exitCode);
        Assert.Contains($"{program}: accepted (", output);
    }

    [Fact]
    public void A_rejection_explains_instruction_source_line_state_and_fix()
    {
        var (exitCode, output, _) = CliRunner.Run("verify", RepositoryPath("tests", "objects", "unchecked_read.o"));
        Assert.Equal(1, exitCode);
        Assert.Contains("unchecked_read: REJECTED", output);
        Assert.Contains("invalid access to packet, off=12 size=1", output);
        Assert.Contains("at instruction 1: r1 = *(u8 *)(r1 + 12)", output);
        Assert.Contains("source: unchecked_read.c:8: if (data[12] == 0x08)", output);
        Assert.Contains("hint: add `if (data + 13 > data_end) return XDP_DROP;` before this read", output);
    }

    [Fact]
    public void Json_has_the_documented_shape()
    {
        var (exitCode, output, _) = CliRunner.Run("verify", RepositoryPath("tests", "objects", "unchecked_read.o"), "--json");
        Assert.Equal(1, exitCode);
        var program = Assert.Single(JsonNode.Parse(output)!["programs"]!.AsArray())!;
        Assert.Equal("unchecked_read", program["program"]!.GetValue<string>());
        Assert.False(program["accepted"]!.GetValue<bool>());
        Assert.Equal(1, program["instruction"]!.GetValue<int>());
        Assert.Equal("unchecked_read.c:8", program["source"]!.GetValue<string>());
        Assert.StartsWith("program 'unchecked_read' rejected: invalid access to packet", program["message"]!.GetValue<string>());
        var stats = program["stats"]!;
        Assert.Equal(2, stats["processed"]!.GetValue<int>());
        Assert.Equal(0, stats["states"]!.GetValue<int>());
        Assert.Equal(0, stats["peak_states"]!.GetValue<int>());
        Assert.True(stats["time_us"]!.GetValue<long>() >= 0);
    }

    [Fact]
    public void Json_of_an_accepted_object_lists_every_program()
    {
        var (exitCode, output, _) = CliRunner.Run("verify", RepositoryPath("tests", "objects", "prog_array.o"), "--json");
        Assert.Equal(0, exitCode);
        var programs = JsonNode.Parse(output)!["programs"]!.AsArray();
        Assert.Equal(["tail_pass", "tail_drop", "entry"], programs.Select(p => p!["program"]!.GetValue<string>()));
        Assert.All(programs, p => Assert.True(p!["accepted"]!.GetValue<bool>()));
        Assert.All(programs, p => Assert.Equal("", p!["message"]!.GetValue<string>()));
    }

    [Fact]
    public void Program_selects_one_program()
    {
        var (exitCode, output, _) = CliRunner.Run("verify", RepositoryPath("tests", "objects", "prog_array.o"), "--program", "entry");
        Assert.Equal(0, exitCode);
        Assert.StartsWith("entry: accepted", output);
        Assert.DoesNotContain("tail_pass", output);
    }

    [Fact]
    public void Type_overrides_the_section_and_raw_bytecode_verifies_as_raw()
    {
        var (untyped, untypedOutput, _) = CliRunner.Run("verify", RepositoryPath("bench", "programs", "alu_loop.bpf.o"));
        Assert.Equal(1, untyped);
        Assert.Contains("does not model program type unspec", untypedOutput);
        var (asRaw, rawOutput, _) = CliRunner.Run("verify", RepositoryPath("bench", "programs", "alu_loop.bpf.o"), "--type", "RAW");
        Assert.Equal(0, asRaw);
        Assert.Contains("alu_loop: accepted", rawOutput);

        string unsafePath = Path.Combine(_directory, "unsafe.bin");
        File.WriteAllBytes(unsafePath, Assembler.Assemble("r0 = *(u32 *)(r1 + 4)\nexit").ToBytes());
        var (rejected, rejectedOutput, _) = CliRunner.Run("verify", unsafePath);
        Assert.Equal(1, rejected);
        Assert.Contains("hint: check the length first: `if (len < 8) return 0;`", rejectedOutput);
        string safePath = Path.Combine(_directory, "safe.bin");
        File.WriteAllBytes(safePath, Assembler.Assemble("r0 = 0\nif r2 < 8 goto out\nr0 = *(u32 *)(r1 + 4)\nout:\nexit").ToBytes());
        Assert.Equal(0, CliRunner.Run("verify", safePath).ExitCode);
    }

    [Fact]
    public void Unprivileged_applies_the_stricter_rules()
    {
        string path = Path.Combine(_directory, "leak.bin");
        File.WriteAllBytes(path, Assembler.Assemble("r0 = r10\nexit").ToBytes());
        Assert.Equal(0, CliRunner.Run("verify", path).ExitCode);
        var (exitCode, output, _) = CliRunner.Run("verify", path, "--unprivileged");
        Assert.Equal(1, exitCode);
        Assert.Contains("R0 leaks addr as return value", output);
    }

    [Fact]
    public void Log_levels_print_the_kernel_style_log()
    {
        var (_, level1, _) = CliRunner.Run("verify", RepositoryPath("tests", "objects", "xdp_counter.o"), "--log-level", "1");
        Assert.Contains("0: (0x61) r1 = *(u32 *)(r1 + 12)", level1);
        Assert.Contains("processed 22 insns (limit 1000000)", level1);
        var (_, level2, _) = CliRunner.Run("verify", RepositoryPath("tests", "objects", "xdp_counter.o"), "--log-level", "2");
        Assert.Contains("0: R1=ctx R10=fp0", level2);
    }

    [Theory]
    [InlineData("--type", "bogus", "unknown program type 'bogus'")]
    [InlineData("--log-level", "3", "--log-level must be 0, 1 or 2")]
    [InlineData("--program", "nope", "no program named 'nope'")]
    public void Usage_errors_exit_2(string option, string value, string message)
    {
        var (exitCode, _, error) = CliRunner.Run("verify", RepositoryPath("tests", "objects", "xdp_counter.o"), option, value);
        Assert.Equal(2, exitCode);
        Assert.Contains(message, error);
    }
}
