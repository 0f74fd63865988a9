using System.Text.Json.Nodes;
using Ebpf.Elf;
using Ebpf.Linux;
using Ebpf.Linux.Events;
using Ebpf.Linux.Kernel;
using Ebpf.ProgramTypes;
using Ebpf.TestRuns;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf run OBJ --kernel …</c>: the same test runs as the user-space <c>ebpf run</c>, done by the Linux kernel's
/// <c>BPF_PROG_TEST_RUN</c> on the object loaded with <see cref="KernelCollection"/>, reported in the same JSON.
/// </summary>
internal static class KernelRun
{
    /// <summary>Loads <paramref name="spec"/> into the kernel, runs <paramref name="program"/> on every input and returns the report.</summary>
    public static (JsonObject Report, List<JsonObject> Runs) Execute(CollectionSpec spec, ProgramSpec program, ProgramType type, IReadOnlyList<TestRunInput> inputs,
        int rounds, bool dumpMaps, ProgramTypeId? typeOverride)
    {
        if (type.KernelId < 0) throw new UsageException($"{type.Name} programs exist only in user space; the kernel cannot run them (drop --kernel)");
        using var collection = KernelLoading.Load(spec, program.Name, typeOverride, testRun: true);
        var loaded = collection.Program(program.Name);
        var runs = new List<JsonObject>();
        TestRunResult? last = null;
        for (int round = 0; round < rounds; round++)
        {
            foreach (var input in inputs)
            {
                try
                {
                    last = Run(loaded, type, input);
                    runs.Add(RunReport.Run(last));
                }
                catch (KernelErrorException e)
                {
                    runs.Add(RunReport.Error(e.Message, e.ErrorNumber));
                }
            }
        }
        var report = RunReport.Summary(program.Name, last, runs);
        if (dumpMaps)
        {
            var names = collection.Programs.Values.ToDictionary(p => p.Id, p => p.Name);
            var (maps, rings) = MapDump.Describe(spec.Maps.Select(m => (Ebpf.Maps.IMapView)collection.Map(m.Name)), names.GetValueOrDefault, PendingRecords);
            report["maps"] = maps;
            report["ringbuf"] = rings;
        }
        // The kernel's bpf_trace_printk lines go to the trace pipe, which a test run does not return.
        report["trace"] = new JsonArray();
        return (report, runs);
    }

    /// <summary>The records a kernel ring buffer holds, read (and so consumed) through a <see cref="RingBufferReader"/>.</summary>
    private static IEnumerable<byte[]>? PendingRecords(Ebpf.Maps.IMapView map)
    {
        if (map is not KernelMap { Type: Ebpf.Maps.MapType.RingBuffer } ring) return null;
        using var reader = RingBufferReader.Open(ring);
        var records = new List<byte[]>();
        while (reader.TryRead(out byte[] record)) records.Add(record);
        return records;
    }

    private static TestRunResult Run(KernelProgram program, ProgramType type, TestRunInput input)
    {
        Linux.Programs.TestRunResult result;
        if (type.Input == ContextInput.RawTracepointArgs)
            result = program.TestRunContext(input.ContextIn ?? []);
        else if (input.HasContext)
            result = program.TestRun(input.Data, input.ContextIn, input.ContextOut ? type.ContextSize : 0, input.Repeat);
        else
            result = program.TestRun(input.Data, input.Repeat);
        return new TestRunResult(result.ReturnValue, result.DataOut, result.DurationNanoseconds) { ContextOut = result.ContextOut };
    }
}
