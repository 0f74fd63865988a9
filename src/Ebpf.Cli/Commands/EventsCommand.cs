using System.CommandLine;
using System.Text.Json.Nodes;
using Ebpf.Btf;
using Ebpf.Cli.Input;
using Ebpf.Elf;
using Ebpf.Linux.Events;
using Ebpf.Linux.Kernel;
using Ebpf.Maps;
using Ebpf.ProgramTypes;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf events OBJ [--program NAME] [--map NAME] [--struct NAME] [--tracepoint CAT/NAME | --raw-tracepoint NAME]
/// [--count N] [--duration S]</c>: loads an object into the kernel, attaches a tracing program and prints the records it
/// sends through a ring buffer or perf event array as they arrive, one JSON line each, decoded by a BTF struct when asked.
/// </summary>
internal static class EventsCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("object") { Description = "An ELF object built with clang -target bpf" };
        var program = new Option<string?>("--program") { Description = "The tracing program to attach (default: the only one)" };
        var map = new Option<string?>("--map") { Description = "The ring buffer or perf event array to read (default: the object's only one)" };
        var structName = new Option<string?>("--struct") { Description = "Decode each record as this struct of the object's BTF" };
        var tracepoint = new Option<string?>("--tracepoint") { Description = "CATEGORY/NAME to attach to (default: from the section name)" };
        var rawTracepoint = new Option<string?>("--raw-tracepoint") { Description = "A raw tracepoint to attach to (default: from the section name)" };
        var count = new Option<int?>("--count") { Description = "Stop after this many records" };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds (default: at Ctrl-C)" };
        var command = new Command("events", "Attach a tracing program in the kernel and print the records of its ring buffer or perf event array live")
        {
            file, program, map, structName, tracepoint, rawTracepoint, count, duration,
        };
        command.SetAction(async (parse, cancellation) => await CommandAction.RunAsync(async () =>
        {
            string path = parse.GetValue(file)!;
            var spec = ObjectFile.Load(ProgramLoader.ReadFile(path));
            var programSpec = RunCommand.ChooseProgram(spec, parse.GetValue(program), path);
            var mapSpec = ChooseMap(spec, parse.GetValue(map), path);
            var decode = parse.GetValue(structName) is { } name ? Decoder(spec, name, path) : null;

            using var collection = KernelLoading.Load(spec, programSpec.Name);
            var kernelMap = collection.Map(mapSpec.Name);
            using EventReader reader = mapSpec.Type == MapType.RingBuffer ? RingBufferReader.Open(kernelMap) : PerfEventArrayReader.Open(kernelMap);
            using var link = AttachPoints.AttachTracing(collection.Program(programSpec.Name), programSpec.SectionName, parse.GetValue(tracepoint), parse.GetValue(rawTracepoint));
            var errors = parse.InvocationConfiguration.Error;
            errors.WriteLine($"attached '{programSpec.Name}': {link}; reading {mapSpec.Type} '{mapSpec.Name}' ({(parse.GetValue(duration) is { } d ? $"for {d} s" : "until Ctrl-C")})");

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            if (parse.GetValue(duration) is { } seconds) stop.CancelAfter(TimeSpan.FromSeconds(seconds));
            var output = parse.InvocationConfiguration.Output;
            int received = 0;
            int? limit = parse.GetValue(count);
            if (limit is <= 0) return 0;
            await foreach (var record in reader.ReadAllAsync(stop.Token))
            {
                var line = new JsonObject { ["size"] = record.Length };
                if (decode is not null) line["event"] = decode(record.Span);
                else line["hex"] = Convert.ToHexString(record.Span).ToLowerInvariant();
                output.WriteLine(line.ToJsonString());
                output.Flush();
                if (++received == limit) break;
            }
            errors.WriteLine($"{received} records");
            return 0;
        }, parse.InvocationConfiguration.Error));
        return command;
    }

    private static MapSpec ChooseMap(CollectionSpec spec, string? name, string path)
    {
        var candidates = spec.Maps.Where(m => m.Type is MapType.RingBuffer or MapType.PerfEventArray).ToList();
        if (name is not null)
            return candidates.FirstOrDefault(m => m.Name == name)
                ?? throw new UsageException($"{path} has no ring buffer or perf event array named '{name}'; it has: {Names(candidates)}");
        return candidates.Count switch
        {
            1 => candidates[0],
            0 => throw new UsageException($"{path} has no ring buffer or perf event array map to read events from"),
            _ => throw new UsageException($"{path} has several event maps ({Names(candidates)}); choose one with --map"),
        };
    }

    private static string Names(IEnumerable<MapSpec> maps) => string.Join(", ", maps.Select(m => m.Name));

    private static Func<ReadOnlySpan<byte>, JsonNode?> Decoder(CollectionSpec spec, string name, string path)
    {
        var btf = spec.Btf ?? throw new UsageException($"{path} has no BTF, so --struct cannot decode records; print them as hex without it");
        var type = btf.FindByName<BtfComposite>(name)
            ?? throw new UsageException($"{path}'s BTF has no struct or union '{name}' (a struct the program only uses locally is not in BTF; " +
                $"declare e.g. `struct {name} *{name}_layout __attribute__((unused));` to keep it)");
        return bytes => BtfValueFormatter.Format(btf, type.Id, bytes);
    }
}
