using System.Diagnostics;
using Ebpf.Btf;
using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.Maps;
using Ebpf.ProgramTypes;

namespace Ebpf.Verifier;

/// <summary>
/// The verifier: proves a program safe before it runs, in the Linux kernel's model (abstract interpretation of every
/// path with typed registers, ranges and known bits, stack slots, packet ranges, null checks, references), or explains
/// the first unsafe instruction it finds.
/// </summary>
public static class ProgramVerifier
{
    /// <summary>Verifies every program of an object, each as its section's program type (or <paramref name="typeOverride"/>).</summary>
    /// <param name="collection">The object.</param>
    /// <param name="options">How to check; null for the privileged defaults.</param>
    /// <param name="typeOverride">A program type name (<see cref="ProgramTypeNames"/>) to use instead of the section's, or null.</param>
    public static IReadOnlyList<VerificationResult> VerifyAll(CollectionSpec collection, VerifierOptions? options = null, string? typeOverride = null) =>
        collection.Programs.Select(p => Verify(p, collection, options, typeOverride)).ToArray();

    /// <summary>Verifies one program of an object.</summary>
    /// <param name="program">The program.</param>
    /// <param name="collection">The object it belongs to (its maps).</param>
    /// <param name="options">How to check; null for the privileged defaults.</param>
    /// <param name="typeOverride">A program type name (<see cref="ProgramTypeNames"/>) to use instead of the section's, or null.</param>
    /// <exception cref="ArgumentException"><paramref name="typeOverride"/> names no program type.</exception>
    public static VerificationResult Verify(ProgramSpec program, CollectionSpec collection, VerifierOptions? options = null, string? typeOverride = null)
    {
        Func<ProgramRules> rules;
        if (typeOverride is not null)
        {
            if (!ProgramTypeNames.TryParse(typeOverride, out var type))
                throw new ArgumentException($"unknown program type '{typeOverride}'; choose one of: {string.Join(", ", ProgramTypeNames.All)}", nameof(typeOverride));
            rules = () => type is null ? ProgramRules.Raw : ProgramRules.For(type.Value, program.ExpectedAttachType) ?? Unsupported(type.Value);
        }
        else rules = () => ProgramRules.For(program.ProgramType, program.ExpectedAttachType) ?? Unsupported(program.ProgramType);
        if (program.FunctionInfos.Count == 0)
        {
            // The kernel refuses callbacks (function addresses) without BTF function records.
            var slots = program.Instructions.Slots;
            for (int i = 0; i < slots.Length; i++)
                if (slots[i].IsLddw && slots[i].Source == (byte)LddwSource.Function)
                {
                    int at = i;
                    rules = () => throw new VerifierError(RejectionReason.InvalidLoad, at,
                        "missing btf func_info: a program that passes a function's address (a callback) must carry BTF function records",
                        "compile with clang -g so that the object has .BTF and .BTF.ext");
                    break;
                }
        }
        return Run(program.Name, program.Instructions, rules, collection.Maps, options ?? new VerifierOptions(), program.License, program.LineAt);
    }

    /// <summary>Verifies bytecode as a program of the given type, with the given maps (indexes of <c>lddw src=5/6</c>).</summary>
    public static VerificationResult Verify(Bytecode program, ProgramTypeId type, IReadOnlyList<MapSpec>? maps = null, VerifierOptions? options = null,
        string license = "GPL", string name = "program") =>
        Run(name, program, () => ProgramRules.For(type) ?? Unsupported(type), maps ?? [], options ?? new VerifierOptions(), license, _ => null);

    /// <summary>Verifies raw bytecode as the "raw" type: r1 points to a memory region whose length is in r2.</summary>
    public static VerificationResult VerifyRaw(Bytecode program, VerifierOptions? options = null, IReadOnlyList<MapSpec>? maps = null, string name = "raw") =>
        Run(name, program, () => ProgramRules.Raw, maps ?? [], options ?? new VerifierOptions(), "GPL", _ => null);

    private static ProgramRules Unsupported(ProgramTypeId type) => throw new UnsupportedTypeSignal(type);

    private sealed class UnsupportedTypeSignal(ProgramTypeId type) : Exception($"program type {ProgramTypeNames.NameOf(type)}")
    {
        public ProgramTypeId Type { get; } = type;
    }

    private static VerificationResult Run(string name, Bytecode program, Func<ProgramRules> rulesFor, IReadOnlyList<MapSpec> maps, VerifierOptions options,
        string license, Func<int, BtfLineInfo?> lineAt)
    {
        var clock = Stopwatch.StartNew();
        var log = new VerifierLog(options.LogLevel, options.MaxLogLines);
        ProgramWalker? walker = null;
        Instruction[] slots = program.Slots.ToArray();
        try
        {
            var rules = rulesFor();
            ProgramLayout layout;
            using (HelperArguments.Use(options.Helpers)) layout = ProgramLayout.Build(program, returnValueMatters: rules.ReturnRange is not null);
            var extended = maps.Concat(maps.Select(m => m.InnerMap ?? m)).ToArray();
            walker = new ProgramWalker(layout, rules, extended, maps.Count, options, license, log);
            walker.Run(InitialState(rules));
            clock.Stop();
            log.Line(Summary(walker));
            return new VerificationResult
            {
                ProgramName = name, Accepted = true, Log = log.ToString(), Statistics = Statistics(walker, clock.Elapsed),
            };
        }
        catch (VerifierError error)
        {
            clock.Stop();
            var line = error.Instruction >= 0 ? lineAt(error.Instruction) : null;
            log.Line(error.Problem);
            if (walker is not null) log.Line(Summary(walker));
            return new VerificationResult
            {
                ProgramName = name, Accepted = false, Reason = error.Reason, Instruction = error.Instruction, Problem = error.Problem, Hint = error.Hint,
                Source = line is { Line: > 0 } ? $"{Path.GetFileName(line.FileName)}:{line.Line}" : null,
                Message = Explanation.Build(name, error, slots, walker?.FailedState, line),
                Log = log.ToString(), Statistics = Statistics(walker, clock.Elapsed),
            };
        }
        catch (UnsupportedTypeSignal unsupported)
        {
            string problem = $"the verifier does not model program type {ProgramTypeNames.NameOf(unsupported.Type)} yet (its context layout and rules)";
            return new VerificationResult
            {
                ProgramName = name, Accepted = false, Reason = RejectionReason.UnsupportedProgramType, Problem = problem,
                Message = $"program '{name}' rejected: {problem}\n  hint: pass --type with one of: socket_filter, sched_cls, sched_act, xdp, cgroup_skb, kprobe, tracepoint, raw_tracepoint, perf_event, raw",
                Statistics = Statistics(null, clock.Elapsed),
            };
        }
    }

    private static VerifierState InitialState(ProgramRules rules)
    {
        var main = new FrameState(-1, 0, 0);
        if (rules.IsRaw)
        {
            main.Registers[1] = RegisterState.Pointer(RegisterKind.Packet);
            main.Registers[2] = RegisterState.UnknownScalar with { Id = ProgramWalker.RawLengthId };
        }
        else main.Registers[1] = RegisterState.Pointer(RegisterKind.Context);
        return new VerifierState(main);
    }

    private static string Summary(ProgramWalker walker) =>
        $"processed {walker.Processed} insns (limit {VerifierOptions.DefaultInstructionBudget}) total_states {walker.States} peak_states {walker.PeakStates} pruned {walker.Pruned}";

    private static VerificationStatistics Statistics(ProgramWalker? walker, TimeSpan elapsed) =>
        new(walker?.Processed ?? 0, walker?.States ?? 0, walker?.PeakStates ?? 0, walker?.Pruned ?? 0, elapsed);
}
