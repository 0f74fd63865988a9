using System.Text.Json.Nodes;
using Ebpf.Tests.Support;

namespace Ebpf.Tests.Cli;

/// <summary><c>ebpf run</c> shows the bpf_trace_printk lines of each run and where bpf_redirect sent the packet.</summary>
public class RunCommandTraceTests
{
    private const string Ipv4 = "020000000002020000000001080045000020000100004011f7cac0a80101c0a8010204d2162e000c0000616263";

    private static string Object => Path.Combine(RepositoryPaths.Root, "tests", "objects", "trace_redirect.o");

    [Theory]
    [InlineData("jit")]
    [InlineData("interpreter")]
    public void The_json_has_a_trace_line_per_call_and_the_redirect_target(string engine)
    {
        var (exitCode, output, error) = CliRunner.Run("run", Object, "--data-hex", $"{Ipv4},{Ipv4}00", "--json", "--engine", engine);
        Assert.Equal("", error);
        Assert.Equal(0, exitCode);
        var report = JsonNode.Parse(output)!;
        Assert.Equal("""["packet of 45 bytes","packet of 46 bytes"]""", report["trace"]!.ToJsonString());
        Assert.Equal(4u, report["retval"]!.GetValue<uint>());
        Assert.Equal("""{"ifindex":2,"flags":0}""", report["runs"]![0]!["redirect"]!.ToJsonString());
    }

    [Fact]
    public void The_table_is_followed_by_the_trace_lines()
    {
        var (exitCode, output, _) = CliRunner.Run("run", Object, "--data-hex", Ipv4);
        Assert.Equal(0, exitCode);
        Assert.Contains("4 (XDP_REDIRECT)", output);
        Assert.EndsWith("trace: packet of 45 bytes" + Environment.NewLine, output);
    }
}
