using System.CommandLine;
using Ebpf.Cli.Input;
using Ebpf.ProgramTypes;
using Ebpf.TestRuns;

namespace Ebpf.Cli.Commands;

/// <summary>
/// The context options of <c>ebpf run</c>: <c>--ctx-hex HEX | --ctx FILE</c> (the kernel's ctx_in; ctx_out is then
/// shown), <c>--type NAME</c> (the program type, overriding the section name), and how they become test-run inputs,
/// including runs of context-only types that take no packet.
/// </summary>
internal sealed class RunContextOptions
{
    public Option<string?> ContextHex { get; } = new("--ctx-hex") { Description = "The context in (ctx_in) as hex: __sk_buff, xdp_md, raw tracepoint args, or the whole context of other types" };

    public Option<string?> ContextFile { get; } = new("--ctx") { Description = "The context in (ctx_in) read from a file" };

    public Option<string?> Type { get; } = new("--type") { Description = "The program type (the kernel's BPF_PROG_TYPE_ name without prefix, any case, or raw), overriding the section name" };

    public void AddTo(Command command)
    {
        command.Options.Add(ContextHex);
        command.Options.Add(ContextFile);
        command.Options.Add(Type);
        command.Validators.Add(r =>
        {
            if (r.GetResult(ContextHex) is not null && r.GetResult(ContextFile) is not null)
                r.AddError("give the context either as --ctx-hex or as --ctx, not both");
        });
    }

    /// <summary>The program type: --type when given, else what the section name says.</summary>
    public ProgramType ResolveType(ParseResult parse, ProgramType? fromSection, string programName, string sectionName)
    {
        if (parse.GetValue(Type) is { } name)
            return KnownProgramTypes.Find(name)
                ?? throw new UsageException($"--type {name} is not a program type here; known: {string.Join(", ", KnownProgramTypes.All.Select(t => t.Name))}");
        return fromSection
            ?? throw new UsageException($"program '{programName}' (section '{sectionName}') has no program type this runtime knows; choose one with --type ({string.Join(", ", KnownProgramTypes.All.Select(t => t.Name))})");
    }

    /// <summary>
    /// One input per packet, each with the context; a type that takes no packet runs once on the context alone.
    /// A packet type needs packets; a context given makes the runs give the context back.
    /// </summary>
    public List<TestRunInput> Inputs(ParseResult parse, ProgramType type, List<byte[]>? packets, int repeat)
    {
        byte[]? ctx = parse.GetValue(ContextHex) is { } hex ? HexText.Parse(hex, "--ctx-hex")
            : parse.GetValue(ContextFile) is { } path ? ProgramLoader.ReadFile(path) : null;
        if (type.Packet == PacketLayout.None)
        {
            // Raw programs may take their memory as --data; other context-only types take no packet (the run refuses one).
            if (packets is { Count: > 0 })
                return [.. packets.Select(p => new TestRunInput { Data = p, ContextIn = ctx, Repeat = repeat })];
            return [new TestRunInput { ContextIn = ctx, Repeat = repeat }];
        }
        if (packets is null)
            throw new UsageException($"a {type.Name} program runs on packets: give them with --data-hex or --data");
        return [.. packets.Select(p => new TestRunInput { Data = p, ContextIn = ctx, ContextOut = ctx is not null, Repeat = repeat })];
    }
}
