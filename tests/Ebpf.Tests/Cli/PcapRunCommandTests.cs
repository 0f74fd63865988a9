using System.Diagnostics;
using System.Text.Json.Nodes;
using Ebpf.Capture;
using Ebpf.Tests.Support;
using Xunit.Abstractions;

namespace Ebpf.Tests.Cli;

public class PcapRunCommandTests(ITestOutputHelper log)
{
    private static string Example(string name) => Path.Combine(RepositoryPaths.Root, "examples", name);

    private static string Mixed => Example(Path.Combine("traffic", "mixed.pcap"));

    [Fact]
    public void The_bundled_capture_is_what_the_generator_writes()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("ebpf-pcap-").FullName, "mixed.pcap");
        var (exitCode, output, error) = CliRunner.Run("pcap", "generate", path, "--packets", "1000", "--seed", "1");
        Assert.Equal((0, ""), (exitCode, error));
        Assert.Equal($"wrote 1000 packets to {path}\n", output.ReplaceLineEndings("\n"));
        Assert.Equal(File.ReadAllBytes(Mixed), File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData("jit")]
    [InlineData("interpreter")]
    public void The_json_has_exactly_the_documented_shape(string engine)
    {
        var (exitCode, output, error) = CliRunner.Run("run", Example("xdp_counter.o"), "--pcap", Mixed, "--json", "--engine", engine);
        Assert.Equal(0, exitCode);
        var report = JsonNode.Parse(output)!.AsObject();
        Assert.Equal(["packets", "bytes", "verdicts", "seconds", "packets_per_second", "maps"], report.Select(p => p.Key));
        Assert.Equal(1000, report["packets"]!.GetValue<long>());
        var verdicts = report["verdicts"]!.AsArray();
        var pass = Assert.Single(verdicts)!.AsObject();
        Assert.Equal(["retval", "name", "packets", "bytes"], pass.Select(p => p.Key));
        Assert.Equal(2u, pass["retval"]!.GetValue<uint>());
        Assert.Equal("XDP_PASS", pass["name"]!.GetValue<string>());
        // The runts of the bundled traffic are refused as the kernel's test run refuses them, and said so on stderr.
        long refused = report["packets"]!.GetValue<long>() - pass["packets"]!.GetValue<long>();
        Assert.True(refused > 0);
        Assert.Contains($"note: {refused} packet(s) refused by the test run (EINVAL)", error);
        Assert.True(report["seconds"]!.GetValue<double>() > 0);
        Assert.True(report["packets_per_second"]!.GetValue<double>() > 0);
        // Maps as `ebpf run --json` prints them: one value per processor slot (one thread: one slot).
        var entries = report["maps"]!["traffic_by_protocol"]!.AsArray();
        Assert.Equal(4, entries.Count);
        long counted = entries.Sum(e => BitConverter.ToInt64(Convert.FromHexString(e!["values"]!.AsArray().Single()!.GetValue<string>()[..16])));
        Assert.Equal(pass["packets"]!.GetValue<long>(), counted);
        long bytes = entries.Sum(e => BitConverter.ToInt64(Convert.FromHexString(e!["values"]!.AsArray().Single()!.GetValue<string>()[16..])));
        Assert.Equal(pass["bytes"]!.GetValue<long>(), bytes);
    }

    [Fact]
    public void Two_threads_give_the_totals_and_per_cpu_sums_of_one()
    {
        JsonObject RunWith(int threads)
        {
            var (exitCode, output, _) = CliRunner.Run("run", Example("xdp_counter.o"), "--pcap", Mixed, "--json", "--threads", $"{threads}");
            Assert.Equal(0, exitCode);
            return JsonNode.Parse(output)!.AsObject();
        }
        var one = RunWith(1);
        var two = RunWith(2);
        Assert.Equal(one["packets"]!.ToJsonString(), two["packets"]!.ToJsonString());
        Assert.Equal(one["bytes"]!.ToJsonString(), two["bytes"]!.ToJsonString());
        Assert.Equal(one["verdicts"]!.ToJsonString(), two["verdicts"]!.ToJsonString());
        var single = one["maps"]!["traffic_by_protocol"]!.AsArray();
        var spread = two["maps"]!["traffic_by_protocol"]!.AsArray();
        for (int i = 0; i < 4; i++)
        {
            var values = spread[i]!["values"]!.AsArray().Select(v => Convert.FromHexString(v!.GetValue<string>())).ToArray();
            Assert.Equal(2, values.Length);
            var total = Convert.FromHexString(single[i]!["values"]!.AsArray().Single()!.GetValue<string>());
            Assert.Equal(BitConverter.ToInt64(total), values.Sum(v => BitConverter.ToInt64(v)));
            Assert.Equal(BitConverter.ToInt64(total, 8), values.Sum(v => BitConverter.ToInt64(v, 8)));
        }
    }

    [Fact]
    public void The_table_names_verdicts_problems_threads_and_the_rate()
    {
        var (exitCode, output, _) = CliRunner.Run("run", Example("xdp_rewrite.o"), "--pcap", Mixed, "--threads", "2");
        Assert.Equal(0, exitCode);
        Assert.Contains("reflect (xdp) over mixed.pcap", output);
        Assert.Matches(@"│ XDP_TX \(3\)\s+│\s+[\d,]+ │\s+[\d,]+ │\s+[\d.]+% │", output);
        Assert.Matches(@"│ XDP_PASS \(2\)\s+│", output);
        Assert.Matches(@"│ refused by the test run \(EINVAL\)\s+│", output);
        Assert.Matches(@"│ total\s+│\s+1,000 │ ", output);
        Assert.Matches(@"│ 0\s+│\s+[\d,]+ │", output);
        Assert.Matches(@"│ 1\s+│\s+[\d,]+ │", output);
        Assert.Matches(@"1,000 packets in [\d.]+ s: [\d,]+ packets/s \(jit, 2 threads\)", output);
    }

    [Fact]
    public void A_truncated_capture_reports_the_damage_and_still_counts_the_packets_before_it()
    {
        var bytes = File.ReadAllBytes(Mixed);
        string path = Path.Combine(Directory.CreateTempSubdirectory("ebpf-pcap-").FullName, "cut.pcap");
        File.WriteAllBytes(path, bytes[..(bytes.Length - 20)]);
        var (exitCode, output, error) = CliRunner.Run("run", Example("xdp_counter.o"), "--pcap", path, "--json");
        Assert.Equal(1, exitCode);
        Assert.Equal(999, JsonNode.Parse(output)!["packets"]!.GetValue<long>());
        Assert.Matches(@"error: .*cut\.pcap: record 1000 at byte offset \d+: the record announces \d+ bytes of packet data but the file ends after \d+ \(999 packet\(s\) before it were read\)", error);
    }

    [Theory]
    // Command-line parse errors exit with System.CommandLine's 1, as the other commands' do; bad input found later with 2.
    [InlineData(new[] { "--write", "out.pcap", "--data-hex", "00" }, 1, "--write needs --pcap or --iface")]
    [InlineData(new[] { "--threads", "2", "--data-hex", "00" }, 1, "--threads needs --pcap or --iface")]
    [InlineData(new[] { "--pcap", "x.pcap", "--threads", "0" }, 1, "--threads must be between 1 and 256, not 0")]
    [InlineData(new[] { "--pcap", "x.pcap", "--data-hex", "00" }, 1, "give the packets either as --data-hex, as --data, as --pcap or as --iface")]
    [InlineData(new[] { "--pcap", "/nonexistent/x.pcap" }, 2, "--pcap: /nonexistent/x.pcap does not exist")]
    [InlineData(new[] { "--pcap", "x.pcap", "--duration", "3" }, 1, "--duration needs --iface")]
    [InlineData(new[] { "--pcap", "x.pcap", "--repeat", "3" }, 1, "--repeat applies to --data and --data-hex; with --pcap or --iface every packet runs once, in order")]
    [InlineData(new[] { "--pcap", "x.pcap", "--inject" }, 1, "--inject needs --iface")]
    [InlineData(new[] { "--iface", "lo", "--count", "0" }, 1, "--count must be at least 1")]
    [InlineData(new[] { "--iface", "lo", "--pcap", "x.pcap" }, 1, "give the packets either as --data-hex, as --data, as --pcap or as --iface")]
    [InlineData(new[] { "--iface", "no-such-if0" }, 2, "--iface: if_nametoindex(no-such-if0) failed")]
    public void Misuse_is_a_usage_error(string[] arguments, int expectedExit, string message)
    {
        var (exitCode, _, error) = CliRunner.Run(["run", Example("xdp_counter.o"), .. arguments]);
        Assert.Equal(expectedExit, exitCode);
        Assert.Contains(message, error);
    }

    [Theory]
    [InlineData("out.pcap", "xdp_rewrite.o")]
    [InlineData("out.pcapng", "xdp_rewrite.o")]
    [InlineData("out.pcap", "socket_filter.o")]
    [InlineData("out.pcap", "tc_marker.o")]
    public void Written_captures_read_back_in_tcpdump_with_the_packets_that_went_on(string fileName, string objectName)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("ebpf-pcap-").FullName, fileName);
        var (exitCode, output, _) = CliRunner.Run("run", Example(objectName), "--pcap", Mixed, "--write", path, "--json");
        Assert.Equal(0, exitCode);
        var report = JsonNode.Parse(output)!;
        string type = objectName.StartsWith("xdp") ? "xdp" : objectName.StartsWith("tc") ? "tc" : "socket";
        long expected = report["verdicts"]!.AsArray().Where(v => type switch
        {
            "xdp" => v!["retval"]!.GetValue<uint>() is 2 or 3 or 4,
            "tc" => v!["retval"]!.GetValue<uint>() is not (2 or 4 or 5 or 8),
            _ => v!["retval"]!.GetValue<uint>() != 0,
        }).Sum(v => v!["packets"]!.GetValue<long>());
        Assert.True(expected > 0);

        var ours = CaptureFile.ReadAll(path).ToList();
        Assert.Equal(expected, ours.Count);
        Assert.All(ours, p => Assert.Equal(LinkType.Ethernet, p.LinkType));

        string? tcpdump = new[] { "/usr/bin/tcpdump", "/usr/sbin/tcpdump" }.FirstOrDefault(File.Exists);
        if (tcpdump is null)
        {
            log.WriteLine("SKIPPED (tcpdump part): tcpdump is not installed; tools/install-prerequisites installs it");
            return;
        }
        var start = new ProcessStartInfo(tcpdump, ["-nn", "-e", "-tt", "-r", path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        string text = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, errors);
        Assert.Contains("link-type EN10MB (Ethernet)", errors);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected, lines.Length);
        // tcpdump -e prints each frame's MAC addresses, length and time: they must be ours, packet by packet.
        for (int i = 0; i < lines.Length; i++)
        {
            var p = ours[i];
            string mac(int at) => string.Join(":", p.Data.Skip(at).Take(6).Select(b => b.ToString("x2")));
            string seconds = $"{p.TimestampNanoseconds / 1_000_000_000}.{p.TimestampNanoseconds % 1_000_000_000 / 1000:D6}";
            Assert.StartsWith($"{seconds} {mac(6)} > {mac(0)}", lines[i]);
            Assert.Contains($"length {p.Data.Length}", lines[i]);
        }
    }
}
