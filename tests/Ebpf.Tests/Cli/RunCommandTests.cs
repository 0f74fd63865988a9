using System.Text.Json.Nodes;
using Ebpf.Tests.Support;

namespace Ebpf.Tests.Cli;

public class RunCommandTests
{
    private const string Ipv4 = "020000000002020000000001080045000020000100004011f7cac0a80101c0a8010204d2162e000c0000616263";

    private static string Object(string name) => Path.Combine(RepositoryPaths.Root, "tests", "objects", name);

    [Theory]
    [InlineData("jit")]
    [InlineData("interpreter")]
    public void Runs_carry_state_in_maps_and_the_json_shows_it(string engine)
    {
        var (exitCode, output, error) = CliRunner.Run("run", Object("xdp_counter.o"), "--data-hex", $"{Ipv4},{Ipv4}", "--runs", "2", "--json", "--engine", engine);
        Assert.Equal("", error);
        Assert.Equal(0, exitCode);
        var report = JsonNode.Parse(output)!;
        Assert.Equal("count_packets", report["program"]!.GetValue<string>());
        Assert.Equal(2u, report["retval"]!.GetValue<uint>());
        Assert.Equal(Ipv4, report["data_out"]!.GetValue<string>());
        Assert.Equal(4, report["runs"]!.AsArray().Count);
        Assert.Equal("""[{"key":"01000000","value":"0400000000000000"}]""", report["maps"]!["packet_counts"]!.ToJsonString());
    }

    [Fact]
    public void Global_data_sections_appear_as_maps_named_by_section()
    {
        var (exitCode, output, _) = CliRunner.Run("run", Object("global_data.o"), "--data-hex", Ipv4, "--json");
        Assert.Equal(0, exitCode);
        var maps = JsonNode.Parse(output)!["maps"]!.AsObject();
        Assert.Equal([".rodata", ".data", ".bss"], maps.Select(m => m.Key));
    }

    [Fact]
    public void A_packet_the_kernel_would_refuse_is_reported_with_its_errno()
    {
        var (exitCode, output, _) = CliRunner.Run("run", Object("xdp_counter.o"), "--data-hex", "0102", "--json");
        Assert.Equal(1, exitCode);
        var run = JsonNode.Parse(output)!["runs"]![0]!;
        Assert.Equal(22, run["errno"]!.GetValue<int>());
        Assert.Contains("takes 14 to 3520 bytes", run["error"]!.GetValue<string>());
    }

    [Fact]
    public void The_table_names_the_verdict()
    {
        var (exitCode, output, _) = CliRunner.Run("run", Object("xdp_counter.o"), "--data-hex", Ipv4, "--dump-maps");
        Assert.Equal(0, exitCode);
        Assert.Contains("2 (XDP_PASS)", output);
        Assert.Contains("map packet_counts: [{\"key\":\"01000000\",\"value\":\"0100000000000000\"}]", output);
    }

    [Fact]
    public void Several_programs_need_a_choice()
    {
        var (exitCode, _, error) = CliRunner.Run("run", Object("multi_prog_v4.o"), "--data-hex", Ipv4);
        Assert.Equal(2, exitCode);
        Assert.Contains("choose one with --program", error);
    }
}
