using System.Diagnostics;
using Ebpf.Elf;
using Ebpf.Linux.Events;
using Ebpf.Linux.Kernel;
using Ebpf.Linux.Links;
using Ebpf.ProgramTypes;
using Xunit.Abstractions;
using static Ebpf.Linux.Tests.Links.LinkTestPrograms;

namespace Ebpf.Linux.Tests.Events;

/// <summary>Runs alone, so that the process's fds and mappings change only by what the test does.</summary>
[CollectionDefinition(nameof(AloneCollection), DisableParallelization = true)]
public sealed class AloneCollection;

/// <summary>
/// Attaching, reading and disposing leave no fd and no mapping behind: the process's bpf, perf, epoll and eventfd fds
/// and its mappings of kernel objects are the same before and after.
/// </summary>
[Collection(nameof(AloneCollection))]
public class NoLeakTests(ITestOutputHelper output)
{
    private static readonly string[] Kinds = ["bpf", "perf_event", "eventpoll", "eventfd"];

    private static Dictionary<string, int> OpenKernelObjects()
    {
        var counts = new Dictionary<string, int>();
        foreach (var fd in Directory.GetFiles("/proc/self/fd"))
        {
            string? target;
            try
            {
                target = new FileInfo(fd).LinkTarget;
            }
            catch (IOException)
            {
                continue;
            }
            if (target is null || !target.StartsWith("anon_inode:", StringComparison.Ordinal) || !Kinds.Any(target.Contains)) continue;
            counts[target] = counts.GetValueOrDefault(target) + 1;
        }
        foreach (var line in File.ReadLines("/proc/self/maps").Where(l => l.Contains("anon_inode:")))
        {
            string key = "mapping " + line[line.IndexOf("anon_inode:", StringComparison.Ordinal)..];
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return counts;
    }

    private static int Mappings(Dictionary<string, int> counts) => counts.Where(p => p.Key.StartsWith("mapping", StringComparison.Ordinal)).Sum(p => p.Value);

    [Fact]
    public async Task Links_and_readers_give_back_every_fd_and_mapping_when_disposed()
    {
        if (KernelRequirement.Missing(output)) return;
        var spec = ObjectFile.Load(TestObject("exec_events.o"));
        var before = OpenKernelObjects();
        using (var maps = KernelCollection.Load(spec))
        {
            var ring = maps.Program("exec_to_ring");
            var perf = maps.Program("exec_to_perf");
            var ringMap = maps.Map("exec_ring");
            var perfMap = maps.Map("exec_perf");
            using var ringReader = RingBufferReader.Open(ringMap);
            using var perfReader = PerfEventArrayReader.Open(perfMap);
            using var ringLink = ring.AttachTracepoint("sched/sched_process_exec");
            using var perfLink = TracepointLinks.Attach(perf, "sched", "sched_process_exec", preferLink: false);
            var during = OpenKernelObjects();
            output.WriteLine("while attached: " + string.Join(", ", during.Where(p => p.Value != before.GetValueOrDefault(p.Key)).Select(p => $"{p.Key} ×{p.Value - before.GetValueOrDefault(p.Key)}")));
            // The ring buffer maps twice (consumer page; producer page and data), the perf reader once per CPU.
            Assert.Equal(Mappings(before) + 2 + perfReader.Cpus.Count, Mappings(during));
            using (var process = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!) await process.WaitForExitAsync();
            Assert.True(ringReader.Poll(TimeSpan.FromSeconds(5)));
            Assert.True(perfReader.Poll(TimeSpan.FromSeconds(5)));
            while (ringReader.TryRead(out byte[] _)) { }
            while (perfReader.TryRead(out byte[] _)) { }
        }
        Assert.Equal(before.OrderBy(p => p.Key), OpenKernelObjects().OrderBy(p => p.Key));
    }
}
