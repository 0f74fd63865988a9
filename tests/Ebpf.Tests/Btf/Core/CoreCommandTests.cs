using Ebpf.Btf;
using Ebpf.Tests.Cli;
using Ebpf.Tests.Elf;

namespace Ebpf.Tests.Btf.Core;

/// <summary><c>ebpf core OBJ [--program NAME] [--btf PATH]</c>: one line per relocation, exit codes, errors.</summary>
public class CoreCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ebpf-core-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string TargetBtf()
    {
        // 1 int, 2 struct task_struct { int tgid @ 800; int pid @ 804; }
        var blob = new BtfBlob().Int("int", 4, true).Struct("task_struct", 808, ("tgid", 1, 800 * 8), ("pid", 1, 804 * 8));
        string path = Path.Combine(_directory, "target.btf");
        File.WriteAllBytes(path, blob.Build());
        return path;
    }

    [Fact]
    public void Each_relocation_is_printed_with_what_it_resolved_to_in_the_given_btf()
    {
        string btf = TargetBtf();
        var (exitCode, output, error) = CliRunner.Run("core", TestObjects.PathOf("core_fields.o"), "--program", "current_pid", "--btf", btf);
        Assert.Equal(("", 0), (error, exitCode));
        Assert.Equal(
            $"target BTF: {btf} (2 types)\n" +
            "current_pid: 1 relocation\n" +
            "  relo #0: insn 3 <byte_off> [5] struct task_struct.pid (0:2 @ offset 20) => [2] struct task_struct.pid (0:1 @ offset 804) (1 candidate): ALU imm 20 -> 804\n",
            output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Json_holds_every_relocation_with_its_values()
    {
        string btf = TargetBtf();
        var (exitCode, output, error) = CliRunner.Run("core", TestObjects.PathOf("core_fields.o"), "--program", "missing_read", "--btf", btf, "--json");
        Assert.Equal(("", 0), (error, exitCode));
        var root = System.Text.Json.Nodes.JsonNode.Parse(output)!;
        Assert.Equal((btf, 2), (root["btf"]!.GetValue<string>(), root["types"]!.GetValue<int>()));
        var program = root["programs"]![0]!;
        Assert.Equal("missing_read", program["program"]!.GetValue<string>());
        var relocation = program["relocations"]![0]!;
        Assert.Equal(("byte_off", 3, true, 0ul, "poisoned: call unknown#195896080"),
            (relocation["kind"]!.GetValue<string>(), relocation["instruction"]!.GetValue<int>(), relocation["poisoned"]!.GetValue<bool>(),
             relocation["value"]!.GetValue<ulong>(), relocation["patch"]!.GetValue<string>()));
        Assert.Null(relocation["target"]);
    }

    [Fact]
    public void Poisoned_relocations_are_counted()
    {
        var (exitCode, output, _) = CliRunner.Run("core", TestObjects.PathOf("core_fields.o"), "--program", "missing_read", "--btf", TargetBtf());
        Assert.Equal(0, exitCode);
        Assert.Contains("missing_read: 1 relocation, 1 poisoned", output);
        Assert.Contains("=> no matching target (1 candidate): poisoned: call unknown#195896080", output);
    }

    [Fact]
    public void The_running_kernels_btf_is_the_default_target()
    {
        if (!KernelBtf.IsAvailable) return;
        var (exitCode, output, _) = CliRunner.Run("core", TestObjects.PathOf("core_fields.o"), "--program", "task_size");
        Assert.Equal(0, exitCode);
        Assert.StartsWith($"target BTF: {KernelBtf.VmlinuxPath} (", output);
        Assert.Contains($"ALU imm 28 -> {KernelBtf.Vmlinux.FindByName<BtfComposite>("task_struct")!.Size}", output);
    }

    [Fact]
    public void An_object_without_relocations_says_so()
    {
        var (exitCode, output, _) = CliRunner.Run("core", TestObjects.PathOf("calls.o"));
        Assert.Equal(0, exitCode);
        Assert.Equal($"{TestObjects.PathOf("calls.o")}: no CO-RE relocations\n", output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_missing_btf_file_and_an_unknown_program_are_errors()
    {
        string missing = Path.Combine(_directory, "none.btf");
        var (exitCode, _, error) = CliRunner.Run("core", TestObjects.PathOf("core_fields.o"), "--btf", missing);
        Assert.Equal(1, exitCode);
        Assert.StartsWith($"error: cannot read BTF from {missing}: ", error);

        (exitCode, _, error) = CliRunner.Run("core", TestObjects.PathOf("core_fields.o"), "--program", "nope");
        Assert.Equal(2, exitCode);
        Assert.StartsWith($"error: {TestObjects.PathOf("core_fields.o")}: no program named 'nope'; the object has: current_pid, current_tgid,", error);
    }
}
