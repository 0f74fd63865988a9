using Ebpf.Linux.Kernel;
using Ebpf.Linux.Links;
using System.Text.Json.Nodes;
using Ebpf.Tests.Cli;
using Ebpf.Tests.Examples;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Kernel;

/// <summary>
/// The kernel commands of the CLI: <c>ebpf run --kernel</c> reports exactly what the user-space run reports for every
/// example, <c>ebpf load --kernel --pin</c> leaves programs and maps that <c>prog list</c> and <c>map dump</c> find.
/// </summary>
public class KernelCliTests(ITestOutputHelper output)
{
    private static readonly string MixedPackets = string.Join(",", new[]
    {
        Packets.Ipv4Udp("10.0.0.1", "10.0.0.2", 53), Packets.Ipv4Udp("10.0.0.66", "10.0.0.2", 53, ttl: 3),
        Packets.Ipv4Tcp("10.0.0.66", "10.0.0.2", 22), Packets.Ipv6Udp(53), Packets.Arp(), Packets.TooShortForIp(),
    }.Select(Convert.ToHexString));

    [Theory]
    [InlineData("xdp_counter.o")]
    [InlineData("socket_filter.o")]
    [InlineData("tc_marker.o")]
    [InlineData("xdp_rewrite.o")]
    [InlineData("maps_tour.o")]
    public void Run_in_the_kernel_reports_what_the_user_space_run_reports(string objectName)
    {
        if (KernelRequirement.Missing(output)) return;
        string path = KernelCollectionTests.Example(objectName);
        var (userExit, userJson, userError) = CliRunner.Run("run", path, "--data-hex", MixedPackets, "--runs", "2", "--json");
        var (kernelExit, kernelJson, kernelError) = CliRunner.Run("run", path, "--data-hex", MixedPackets, "--runs", "2", "--json", "--kernel");
        output.WriteLine(kernelJson);
        // skb programs refuse the frame too short for its IPv4 header in both runs (EINVAL), so both exit 1 then.
        Assert.Equal(userExit, kernelExit);
        Assert.True(userExit is 0 or 1, userError + kernelError);
        Assert.Equal(Comparable(userJson), Comparable(kernelJson));
    }

    /// <summary>
    /// The report without durations and error wording (a refused run keeps its errno), with each per-CPU value list
    /// sorted (the CPU a run lands on is the scheduler's choice).
    /// </summary>
    private static string Comparable(string json)
    {
        var report = JsonNode.Parse(json)!.AsObject();
        report.Remove("duration_ns");
        foreach (var run in report["runs"]!.AsArray())
        {
            run!.AsObject().Remove("duration_ns");
            run.AsObject().Remove("error");
        }
        foreach (var (_, entries) in report["maps"]!.AsObject())
            foreach (var entry in entries!.AsArray())
                if (entry is JsonObject { } element && element["values"] is JsonArray values)
                    element["values"] = new JsonArray([.. values.Select(v => v!.GetValue<string>()).Order(StringComparer.Ordinal).Select(v => JsonValue.Create(v))]);
        return report.ToJsonString();
    }

    [Fact]
    public void Load_with_pins_leaves_programs_and_maps_that_list_and_dump_find()
    {
        if (KernelRequirement.Missing(output)) return;
        string pins = $"/sys/fs/bpf/ebpf-net-test-{Environment.ProcessId}-{Guid.NewGuid():N}";
        if (!Directory.Exists("/sys/fs/bpf") || !File.ReadAllText("/proc/self/mounts").Contains(" /sys/fs/bpf bpf "))
        {
            output.WriteLine("SKIPPED: no bpf file system is mounted at /sys/fs/bpf");
            return;
        }
        try
        {
            var (exit, json, error) = CliRunner.Run("load", KernelCollectionTests.Example("maps_tour.o"), "--kernel", "--pin", pins, "--json");
            Assert.True(exit == 0, error);
            var report = JsonNode.Parse(json)!;
            uint programId = report["programs"]![0]!["id"]!.GetValue<uint>();
            Assert.Equal($"{pins}/tour", report["programs"]![0]!["pinned"]!.GetValue<string>());
            Assert.True(File.Exists($"{pins}/tour"));
            Assert.True(File.Exists($"{pins}/maps/_rodata"));

            var (listExit, list, _) = CliRunner.Run("prog", "list", "--json");
            Assert.Equal(0, listExit);
            var listed = JsonNode.Parse(list)!.AsArray().Single(p => p!["id"]!.GetValue<uint>() == programId)!;
            Assert.Equal("tour", listed["name"]!.GetValue<string>());
            Assert.Equal("Xdp", listed["type"]!.GetValue<string>());
            Assert.Equal(13, listed["map_ids"]!.AsArray().Count);

            // .data holds the object's initial value; the dump by pinned path reads it back from the kernel.
            var (dumpExit, dump, dumpError) = CliRunner.Run("map", "dump", $"{pins}/maps/_data", "--json");
            Assert.True(dumpExit == 0, dumpError);
            var entries = JsonNode.Parse(dump)!["entries"]!.AsArray();
            Assert.Equal("00000000", Assert.Single(entries)!["key"]!.GetValue<string>());
            Assert.Equal(16, entries[0]!["value"]!.GetValue<string>().Length);
        }
        finally
        {
            if (Directory.Exists(pins)) Directory.Delete(pins, recursive: true);
        }
        Assert.False(Directory.Exists(pins));
    }

    [Fact]
    public void Map_dump_of_an_unknown_map_says_so()
    {
        if (KernelRequirement.Missing(output)) return;
        var (exit, _, error) = CliRunner.Run("map", "dump", "no_such_map_xyz");
        Assert.Equal(2, exit);
        Assert.Contains("no kernel map is named 'no_such_map_xyz'", error);
        (exit, _, error) = CliRunner.Run("map", "dump", "4000000000");
        Assert.Equal(1, exit);
        Assert.Contains("no object has that id", error);
    }

    [Fact]
    public void A_kernel_test_run_starts_from_fresh_maps_and_pins_nothing_even_for_maps_pinned_by_name()
    {
        if (KernelRequirement.Missing(output)) return;
        // tests/objects/xdp_counter.o marks packet_counts LIBBPF_PIN_BY_NAME.
        string pinned = Path.Combine("/sys/fs/bpf", "packet_counts");
        bool existed = File.Exists(pinned);
        string packet = Convert.ToHexString(Packets.Ipv4Udp("10.0.0.1", "10.0.0.2", 53));
        string first = CliRunner.Run("run", KernelCollectionTests.TestObject("xdp_counter.o"), "--data-hex", packet, "--runs", "3", "--json", "--kernel").Output;
        string second = CliRunner.Run("run", KernelCollectionTests.TestObject("xdp_counter.o"), "--data-hex", packet, "--runs", "3", "--json", "--kernel").Output;
        Assert.Equal(Comparable(first), Comparable(second));
        Assert.Equal("0300000000000000", JsonNode.Parse(first)!["maps"]!["packet_counts"]![0]!["value"]!.GetValue<string>());
        Assert.Equal(existed, File.Exists(pinned));
    }

    [Fact]
    public void Bench_times_every_engine_and_the_kernel_on_the_same_packet()
    {
        if (KernelRequirement.Missing(output)) return;
        string packet = Convert.ToHexString(Packets.Ipv4Udp("10.0.0.1", "10.0.0.2", 53));
        var (exit, json, error) = CliRunner.Run("bench", KernelCollectionTests.Example("xdp_counter.o"), "--data-hex", packet, "--repeat", "2000", "--json");
        output.WriteLine(json + error);
        Assert.Equal(0, exit);
        var results = JsonNode.Parse(json)!["results"]!.AsArray();
        Assert.Equal(["interpreter", "jit, checked", "jit, unchecked (verified)", "kernel (BPF_PROG_TEST_RUN)"], results.Select(r => r!["engine"]!.GetValue<string>()));
        Assert.All(results, r => Assert.True(r!["ns_per_run"]!.GetValue<double>() > 0));
        Assert.Equal(1.0, results[3]!["vs_kernel"]!.GetValue<double>());
    }

    [Fact]
    public void Link_and_btf_lists_show_a_loaded_collections_btf_and_a_live_link()
    {
        if (KernelRequirement.Missing(output)) return;
        using var collection = KernelCollection.Load(Ebpf.Elf.ObjectFile.Load(KernelCollectionTests.TestObject("exec_events.o")));
        using var tracing = KernelCollection.Load(Ebpf.Elf.ObjectFile.Load(KernelCollectionTests.TestObject("core_fields.o")),
            new KernelCollectionOptions { Programs = ["current_pid"] });
        using var link = tracing.Program("current_pid").AttachRawTracepoint("sys_enter");
        var (exit, json, _) = CliRunner.Run("btf", "list", "--json");
        Assert.Equal(0, exit);
        var btfs = JsonNode.Parse(json)!.AsArray();
        Assert.Contains(btfs, b => b!["name"]!.GetValue<string>() == "vmlinux" && b["kernel_btf"]!.GetValue<bool>());
        Assert.Contains(btfs, b => b!["id"]!.GetValue<uint>() == collection.BtfId && !b["kernel_btf"]!.GetValue<bool>());
        (exit, json, _) = CliRunner.Run("link", "list", "--json");
        Assert.Equal(0, exit);
        var listed = JsonNode.Parse(json)!.AsArray().Single(l => l!["id"]!.GetValue<uint>() == link.Id)!;
        Assert.Equal("RawTracepoint", listed["type"]!.GetValue<string>());
    }
}
