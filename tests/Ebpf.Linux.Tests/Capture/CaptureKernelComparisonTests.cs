using System.Diagnostics;
using Ebpf.Capture;
using Ebpf.Elf;
using Ebpf.Linux.Programs;
using Ebpf.Linux.Tests.Examples;
using Ebpf.Maps;
using Ebpf.Runtime;
using Ebpf.TestRuns;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Capture;

/// <summary>
/// The bundled capture (examples/traffic/mixed.pcap) through the example programs: every packet's verdict and output
/// equal the kernel's BPF_PROG_TEST_RUN, and the kernel's own per-packet cost is measured beside ours.
/// </summary>
public class CaptureKernelComparisonTests(ITestOutputHelper output)
{
    private static string Example(string name) => Path.Combine(ExampleKernelComparisonTests.RepositoryRoot(), "examples", name);

    private static List<byte[]> Frames() =>
        [.. CaptureFile.ReadAll(Example(Path.Combine("traffic", "mixed.pcap"))).Select(p => EthernetFrames.ToEthernet(p, out _)!)];

    [Theory]
    [InlineData("xdp_rewrite.o", "reflect")]
    [InlineData("socket_filter.o", "dns_only")]
    public void Every_packet_of_the_bundled_capture_gets_the_kernels_verdict_and_output(string objectName, string programName)
    {
        if (KernelRequirement.Missing(output)) return;
        var spec = ObjectFile.Load(Example(objectName));
        var programSpec = spec.Program(programName);
        var type = LoadedCollection.TypeOf(programSpec)!;
        using var kernel = KernelTestProgram.Load(programSpec.Instructions, type);
        var engines = new[] { ExecutionEngine.Interpreter, ExecutionEngine.Jit }
            .Select(e => ExecutionEngines.Prepare(e, programSpec.Instructions, TestRunner.OptionsFor(type))).ToArray();
        var verdicts = new SortedDictionary<string, int>();
        foreach (var frame in Frames())
        {
            if (frame.Length < KernelTestProgram.MinimumDataLength)
            {
                foreach (var ours in engines) Assert.Equal(Errno.EINVAL, Assert.Throws<TestRunException>(() => TestRunner.Run(ours, type, frame)).Errno);
                verdicts["EINVAL"] = verdicts.GetValueOrDefault("EINVAL") + 1;
                continue;
            }
            Ebpf.Linux.Programs.TestRunResult? expected = null;
            int? errno = null;
            try
            {
                expected = kernel.TestRun(frame);
            }
            catch (KernelErrorException e)
            {
                errno = e.ErrorNumber;
            }
            foreach (var ours in engines)
            {
                if (errno is { } refused)
                {
                    Assert.Equal(refused, Assert.Throws<TestRunException>(() => TestRunner.Run(ours, type, frame)).Errno);
                    continue;
                }
                var result = TestRunner.Run(ours, type, frame);
                Assert.Equal(expected!.Value.ReturnValue, result.ReturnValue);
                Assert.Equal(Convert.ToHexString(expected.Value.DataOut), Convert.ToHexString(result.DataOut));
            }
            string key = errno is { } e2 ? $"errno {e2}" : $"{expected!.Value.ReturnValue}";
            verdicts[key] = verdicts.GetValueOrDefault(key) + 1;
        }
        output.WriteLine(string.Join(", ", verdicts.Select(v => $"{v.Key}: {v.Value}")));
        Assert.True(verdicts.Count >= 3, "the capture reaches several verdicts");
    }

    /// <summary>
    /// The kernel's per-packet cost of each example over the bundled capture (BPF_PROG_TEST_RUN with repeat, the
    /// kernel's own mean), printed beside the user-space rate of <see cref="CaptureRunner"/> on both engines.
    /// </summary>
    [Theory]
    [InlineData("xdp_counter.o", "count_protocols")]
    [InlineData("xdp_rewrite.o", "reflect")]
    [InlineData("tc_marker.o", "firewall")]
    [InlineData("socket_filter.o", "dns_only")]
    public void Per_packet_cost_in_the_kernel_and_in_user_space(string objectName, string programName)
    {
        var spec = ObjectFile.Load(Example(objectName));
        var type = LoadedCollection.TypeOf(spec.Program(programName))!;
        var frames = Frames().Where(f => f.Length >= KernelTestProgram.MinimumDataLength).ToList();
        foreach (var engine in new[] { ExecutionEngine.Jit, ExecutionEngine.Interpreter })
        {
            foreach (int slots in new[] { 1, 2 })
            {
                using var collection = LoadedCollection.Create(spec, new MapCreateOptions { ProcessorCount = slots });
                var program = collection.Program(programName, engine);
                var runner = new CaptureRunner(program, type, slots);
                var capture = File.ReadAllBytes(Example(Path.Combine("traffic", "mixed.pcap")));
                for (int warm = 0; warm < 3; warm++) runner.Run(CaptureFile.OpenRead(new MemoryStream(capture), "mixed.pcap"));
                var started = Stopwatch.GetTimestamp();
                long packets = 0;
                for (int round = 0; round < 20; round++) packets += runner.Run(CaptureFile.OpenRead(new MemoryStream(capture), "mixed.pcap")).Packets;
                double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                output.WriteLine($"{programName} user space {engine.ToString().ToLowerInvariant()} {slots} thread(s): {packets / seconds:N0} packets/s ({seconds * 1e9 / packets:F0} ns/packet)");
            }
            // The kernel's way of timing: the same packet run `repeat` times, the mean per run (no per-packet setup).
            using (var repeated = LoadedCollection.Create(spec))
            {
                var program = repeated.Program(programName, engine);
                double sum = 0;
                int timed = 0;
                foreach (var frame in frames)
                {
                    try
                    {
                        sum += TestRunner.Run(program, type, frame, repeat: 200).DurationNanoseconds;
                        timed++;
                    }
                    catch (TestRunException)
                    {
                    }
                }
                output.WriteLine($"{programName} user space {engine.ToString().ToLowerInvariant()} repeat 200: {sum / timed:F1} ns/packet (mean over {timed} packets)");
            }
        }
        if (KernelRequirement.Missing(output)) return;
        using var kernelMaps = new KernelSpecMaps(spec);
        using var kernel = KernelTestProgram.Load(kernelMaps.Program(programName), type);
        const int repeat = 200;
        double total = 0;
        int run = 0;
        foreach (var frame in frames)
        {
            try
            {
                total += kernel.TestRun(frame, repeat).DurationNanoseconds;
                run++;
            }
            catch (KernelErrorException)
            {
                // The kernel refuses some malformed frames for skb programs (EINVAL), as the user-space run does.
            }
        }
        Assert.True(run > frames.Count * 9 / 10);
        output.WriteLine($"{programName} kernel BPF_PROG_TEST_RUN repeat {repeat}: {total / run:F1} ns/packet (mean over {run} packets)");
    }
}
