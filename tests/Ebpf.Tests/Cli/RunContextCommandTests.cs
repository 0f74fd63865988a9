using System.Text.Json.Nodes;
using Ebpf.Tests.Support;

namespace Ebpf.Tests.Cli;

/// <summary><c>ebpf run</c> with a context: <c>--ctx-hex</c>/<c>--ctx</c>, <c>ctx_out</c> in the JSON, context-only types, <c>--type</c>, program-array dumps.</summary>
public class RunContextCommandTests
{
    private const string Ipv4 = "020000000002020000000001080045000020000100004011f7cac0a80101c0a8010204d2162e000c0000616263";

    private static string Object(string name) => Path.Combine(RepositoryPaths.Root, "tests", "objects", name);

    /// <summary>A __sk_buff with cb[0] = <paramref name="cb0"/> and everything else zero.</summary>
    private static string SkBuff(uint cb0) => new string('0', 96) + Convert.ToHexString(BitConverter.GetBytes(cb0)).ToLowerInvariant() + new string('0', 384 - 104);

    [Theory]
    [InlineData("jit")]
    [InlineData("interpreter")]
    public void A_tc_program_reads_and_writes_the_context_and_the_json_shows_ctx_out(string engine)
    {
        var (exitCode, output, error) = CliRunner.Run("run", Object("context_programs.o"), "--program", "mark_from_cb",
            "--data-hex", Ipv4, "--ctx-hex", SkBuff(41), "--json", "--engine", engine);
        Assert.Equal("", error);
        Assert.Equal(0, exitCode);
        var report = JsonNode.Parse(output)!;
        Assert.Equal(2u, report["retval"]!.GetValue<uint>());
        byte[] ctx = Convert.FromHexString(report["ctx_out"]!.GetValue<string>());
        Assert.Equal(192, ctx.Length);
        Assert.Equal(42u, BitConverter.ToUInt32(ctx, 8));     // mark = cb[0] + 1
        Assert.Equal(7u, BitConverter.ToUInt32(ctx, 32));     // priority
        Assert.Equal(1u, BitConverter.ToUInt32(ctx, 40));     // ifindex: the loopback device
        Assert.Equal(41u, BitConverter.ToUInt32(ctx, 48));    // cb[0] kept
        Assert.Equal(45u, BitConverter.ToUInt32(ctx, 52));    // cb[1] = len
        Assert.Equal(45u, BitConverter.ToUInt32(ctx, 160));   // wire_len: the skb's length when ctx_in leaves it 0
        Assert.Equal(report["ctx_out"]!.GetValue<string>(), report["runs"]![0]!["ctx_out"]!.GetValue<string>());
    }

    [Fact]
    public void Without_a_context_there_is_no_ctx_out()
    {
        var (exitCode, output, _) = CliRunner.Run("run", Object("context_programs.o"), "--program", "mark_from_cb", "--data-hex", Ipv4, "--json");
        Assert.Equal(0, exitCode);
        var report = JsonNode.Parse(output)!;
        Assert.Equal(0u, report["retval"]!.GetValue<uint>());
        Assert.Null(report["ctx_out"]);
    }

    [Fact]
    public void A_context_the_kernel_refuses_is_reported_with_einval()
    {
        string withLen = "01" + SkBuff(0)[2..];
        var (exitCode, output, _) = CliRunner.Run("run", Object("context_programs.o"), "--program", "mark_from_cb",
            "--data-hex", Ipv4, "--ctx-hex", withLen, "--json");
        Assert.Equal(1, exitCode);
        var run = JsonNode.Parse(output)!["runs"]![0]!;
        Assert.Equal(22, run["errno"]!.GetValue<int>());
        Assert.Contains("sets byte 0 of __sk_buff (len)", run["error"]!.GetValue<string>());
    }

    [Fact]
    public void A_raw_tracepoint_runs_on_its_arguments_without_packet_data()
    {
        var (exitCode, output, error) = CliRunner.Run("run", Object("context_programs.o"), "--program", "sum_args",
            "--ctx-hex", "0500000000000000" + "2500000000000000", "--json");
        Assert.Equal("", error);
        Assert.Equal(0, exitCode);
        var report = JsonNode.Parse(output)!;
        Assert.Equal(0x2au, report["retval"]!.GetValue<uint>());
        Assert.Equal("", report["data_out"]!.GetValue<string>());
        Assert.Null(report["ctx_out"]);
    }

    [Fact]
    public void A_raw_tracepoint_refuses_packet_data()
    {
        var (exitCode, output, _) = CliRunner.Run("run", Object("context_programs.o"), "--program", "sum_args",
            "--data-hex", Ipv4, "--ctx-hex", "0500000000000000", "--json");
        Assert.Equal(1, exitCode);
        Assert.Equal(22, JsonNode.Parse(output)!["runs"]![0]!["errno"]!.GetValue<int>());
    }

    [Fact]
    public void A_tracepoint_runs_on_the_record_the_host_gives_and_gives_it_back()
    {
        // syscall_nr 0x1234 at offset 8, count 200 at offset 32.
        string record = "0000000000000000" + "34120000" + new string('0', 40) + "c800000000000000";
        var (exitCode, output, _) = CliRunner.Run("run", Object("context_programs.o"), "--program", "large_writes", "--ctx-hex", record, "--json");
        Assert.Equal(0, exitCode);
        var report = JsonNode.Parse(output)!;
        Assert.Equal(0x1234u, report["retval"]!.GetValue<uint>());
        Assert.Equal(record, report["ctx_out"]!.GetValue<string>());
    }

    [Fact]
    public void A_context_file_works_as_ctx_hex()
    {
        string path = Path.GetTempFileName();
        try
        {
            var regs = new byte[168];
            regs[112] = 3; regs[104] = 4;   // rdi, rsi
            File.WriteAllBytes(path, regs);
            var (exitCode, output, _) = CliRunner.Run("run", Object("context_programs.o"), "--program", "open_flags", "--ctx", path, "--json");
            Assert.Equal(0, exitCode);
            Assert.Equal(7u, JsonNode.Parse(output)!["retval"]!.GetValue<uint>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_packet_type_without_packets_is_a_usage_error()
    {
        var (exitCode, _, error) = CliRunner.Run("run", Object("context_programs.o"), "--program", "mark_from_cb", "--ctx-hex", SkBuff(1));
        Assert.Equal(2, exitCode);
        Assert.Contains("runs on packets: give them with --data-hex or --data", error);
    }

    [Fact]
    public void Type_overrides_the_section_and_unknown_types_are_named()
    {
        // As the raw type the program reads its memory without checking r2 (the length): the verifier refuses it, and
        // --unverified runs it in checked mode.
        var (refusedExit, _, refusal) = CliRunner.Run("run", Object("context_programs.o"), "--program", "sum_args", "--type", "RAW",
            "--data-hex", "0100000000000000" + "0200000000000000", "--json");
        Assert.Equal(1, refusedExit);
        Assert.Contains("program 'sum_args' rejected", refusal);
        Assert.Contains("ebpf run --unverified", refusal);

        var (exitCode, output, _) = CliRunner.Run("run", Object("context_programs.o"), "--program", "sum_args", "--type", "RAW",
            "--data-hex", "0100000000000000" + "0200000000000000", "--json", "--unverified");
        Assert.Equal(0, exitCode);
        Assert.Equal(3u, JsonNode.Parse(output)!["retval"]!.GetValue<uint>());

        var (badExit, _, error) = CliRunner.Run("run", Object("context_programs.o"), "--program", "sum_args", "--type", "nonsense");
        Assert.Equal(2, badExit);
        Assert.Contains("--type nonsense is not a program type here", error);
    }

    [Fact]
    public void Program_arrays_dump_the_program_in_each_filled_slot()
    {
        var (exitCode, output, error) = CliRunner.Run("run", Object("prog_array.o"), "--program", "entry", "--data-hex", Ipv4, "--json", "--dump-maps");
        Assert.Equal("", error);
        Assert.Equal(0, exitCode);
        Assert.Equal("""[{"key":"00000000","prog":"tail_pass"},{"key":"02000000","prog":"tail_drop"}]""",
            JsonNode.Parse(output)!["maps"]!["jump_table"]!.ToJsonString());
    }
}
