using System.Diagnostics;
using Ebpf.Elf;
using Ebpf.Linux.Events;
using Ebpf.Linux.Kernel;
using Ebpf.Linux.Links;
using Ebpf.ProgramTypes;
using Xunit.Abstractions;
using static Ebpf.Linux.Tests.Links.LinkTestPrograms;

namespace Ebpf.Linux.Tests.Events;

/// <summary>
/// tests/objects/exec_events.o on tracepoint sched/sched_process_exec reports the exec of a process the test starts,
/// with its pid, comm and file name, to a .NET consumer: through a ring buffer and through a perf event array.
/// </summary>
public class ExecTracepointTests(ITestOutputHelper output)
{
    private const string Executable = "/bin/true";

    [Fact]
    public async Task The_exec_of_a_started_process_arrives_through_the_ring_buffer()
    {
        if (KernelRequirement.Missing(output)) return;
        using var maps = KernelCollection.Load(ObjectFile.Load(TestObject("exec_events.o")));
        var program = maps.Program("exec_to_ring");
        var map = maps.Map("exec_ring");
        using var reader = RingBufferReader.Open(map);
        using var link = program.AttachTracepoint("sched/sched_process_exec");
        output.WriteLine(link.ToString());
        Assert.Equal(LinkType.PerfEvent, link.Info().Type);
        await ExpectExec(reader.ReadAllAsync<ExecEvent>);
    }

    [Fact]
    public async Task The_exec_of_a_started_process_arrives_through_the_perf_event_array()
    {
        if (KernelRequirement.Missing(output)) return;
        using var maps = KernelCollection.Load(ObjectFile.Load(TestObject("exec_events.o")));
        var program = maps.Program("exec_to_perf");
        var map = maps.Map("exec_perf");
        using var reader = PerfEventArrayReader.Open(map);
        using var link = program.AttachTracepoint("sched", "sched_process_exec");
        output.WriteLine($"{link}; reading CPUs {string.Join(',', reader.Cpus)}");
        await ExpectExec(reader.ReadAllAsync<ExecEvent>);
        Assert.Equal(0, reader.LostSamples);
    }

    [Fact]
    public async Task Without_perf_links_the_program_is_set_on_the_perf_event_and_disposing_detaches_it()
    {
        if (KernelRequirement.Missing(output)) return;
        using var maps = KernelCollection.Load(ObjectFile.Load(TestObject("exec_events.o")));
        var program = maps.Program("exec_to_ring");
        var map = maps.Map("exec_ring");
        using var reader = RingBufferReader.Open(map);
        var attachment = TracepointLinks.Attach(program, "sched", "sched_process_exec", preferLink: false);
        Assert.False(attachment.IsBpfLink);
        Assert.Throws<NotSupportedException>(() => attachment.Info());
        await ExpectExec(reader.ReadAllAsync<ExecEvent>);
        attachment.Dispose();
        while (reader.TryRead(out byte[] _)) { }
        using (var process = Process.Start(new ProcessStartInfo(Executable) { UseShellExecute = false })!) await process.WaitForExitAsync();
        Assert.False(reader.Poll(TimeSpan.FromMilliseconds(500)), "an exec was reported after the attachment was disposed");
    }

    private async Task ExpectExec(Func<CancellationToken, IAsyncEnumerable<ExecEvent>> events)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var process = Process.Start(new ProcessStartInfo(Executable) { UseShellExecute = false })!;
        int pid = process.Id;
        ExecEvent? found = null;
        int seen = 0;
        await foreach (var e in events(timeout.Token))
        {
            seen++;
            if (e.Pid != pid) continue;
            found = e;
            break;
        }
        await process.WaitForExitAsync();
        output.WriteLine($"{seen} exec records read");
        Assert.True(found.HasValue, $"no exec record for pid {pid} within 20 s ({seen} other records)");
        var exec = found.Value;
        output.WriteLine($"pid {exec.Pid} tid {exec.Tid} comm '{exec.Comm}' file '{exec.Filename}'");
        Assert.Equal((uint)pid, exec.Tid);
        Assert.Equal(pid, exec.TracepointPid);
        Assert.Equal("true", exec.Comm);
        Assert.Equal(Executable, exec.Filename);
        Assert.Equal((uint)Executable.Length + 1, exec.FilenameLength);
    }

    [Fact]
    public void An_unknown_tracepoint_is_named_with_where_to_find_the_list()
    {
        if (KernelRequirement.Missing(output)) return;
        using var program = Constant(ProgramTypeId.Tracepoint, 0);
        var error = Assert.Throws<AttachException>(() => program.AttachTracepoint("sched/no_such_event"));
        output.WriteLine(error.Message);
        Assert.Contains("no tracepoint 'sched/no_such_event'", error.Message);
        Assert.Contains("available_events", error.Message);
        Assert.Throws<ArgumentException>(() => program.AttachTracepoint("no-category"));
    }
}
