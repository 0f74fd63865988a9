using Ebpf.Elf;
using Ebpf.Isa;

namespace Ebpf.Btf.Core;

/// <summary>
/// Applies a program's CO-RE relocations against a target BTF (normally the running kernel's,
/// <see cref="KernelBtf.Vmlinux"/>) with libbpf's rules: each relocation's local access is matched against every
/// target type of the same essential name and compatible kind; all fitting candidates must agree; the value is
/// patched into the instruction, or the instruction is poisoned when nothing fits (existence checks give 0 instead,
/// and type relocations give 0).
/// </summary>
public static class CoreRelocator
{
    /// <summary>Relocates <paramref name="program"/>'s instructions.</summary>
    /// <param name="program">The program; its <see cref="ProgramSpec.CoreRelocations"/> are applied.</param>
    /// <param name="localBtf">The BTF of the object the program came from (<see cref="CollectionSpec.Btf"/>).</param>
    /// <param name="targetBtf">The BTF to relocate against.</param>
    /// <exception cref="CoreRelocationException">A relocation is malformed, ambiguous, or does not fit its instruction.</exception>
    public static CoreRelocationResult Apply(ProgramSpec program, BtfSpec localBtf, BtfSpec targetBtf) =>
        Apply(program, localBtf, targetBtf, []);

    /// <summary>
    /// Relocates <paramref name="program"/>'s instructions against <paramref name="targetBtf"/> (vmlinux) and, for a
    /// local type with no candidate there, against the types each module's split BTF adds (as libbpf searches modules).
    /// </summary>
    /// <param name="program">The program; its <see cref="ProgramSpec.CoreRelocations"/> are applied.</param>
    /// <param name="localBtf">The BTF of the object the program came from (<see cref="CollectionSpec.Btf"/>).</param>
    /// <param name="targetBtf">The BTF to relocate against first.</param>
    /// <param name="moduleBtfs">Module BTFs (<see cref="KernelBtf.Module"/>), enumerated only if some type is missing from <paramref name="targetBtf"/>.</param>
    /// <exception cref="CoreRelocationException">A relocation is malformed, ambiguous, or does not fit its instruction.</exception>
    public static CoreRelocationResult Apply(ProgramSpec program, BtfSpec localBtf, BtfSpec targetBtf, IEnumerable<BtfSpec> moduleBtfs)
    {
        ArgumentNullException.ThrowIfNull(program);
        return Apply(program.Name, program.Instructions, program.CoreRelocations, localBtf, targetBtf, moduleBtfs);
    }

    /// <summary>
    /// Relocates <paramref name="program"/> for the kernel this process runs on, as a loader does just before
    /// <c>BPF_PROG_LOAD</c>: a program without CO-RE relocations comes back unchanged (and needs no BTF); otherwise
    /// its relocations are applied against <see cref="KernelBtf.Vmlinux"/>.
    /// </summary>
    /// <param name="program">The program.</param>
    /// <param name="localBtf">The BTF of the object the program came from (<see cref="CollectionSpec.Btf"/>).</param>
    /// <exception cref="CoreRelocationException">A relocation is malformed, ambiguous, or does not fit its instruction.</exception>
    /// <exception cref="KernelBtfUnavailableException">The program needs relocating but the kernel exposes no BTF.</exception>
    public static CoreRelocationResult ApplyForRunningKernel(ProgramSpec program, BtfSpec? localBtf)
    {
        ArgumentNullException.ThrowIfNull(program);
        if (program.CoreRelocations.Count == 0) return new CoreRelocationResult(program.Instructions, []);
        if (localBtf is null)
            throw new CoreRelocationException(program.Name, 0, program.CoreRelocations[0].InstructionIndex, "no local BTF",
                "the program has CO-RE relocations but its object has no .BTF section to interpret them");
        return Apply(program, localBtf, KernelBtf.Vmlinux, KernelBtf.Modules());
    }

    /// <summary>Relocates raw instructions with the given CO-RE records (indexes are instruction slots).</summary>
    /// <exception cref="CoreRelocationException">A relocation is malformed, ambiguous, or does not fit its instruction.</exception>
    public static CoreRelocationResult Apply(string programName, Bytecode instructions, IReadOnlyList<BtfCoreRelocation> relocations,
        BtfSpec localBtf, BtfSpec targetBtf) => Apply(programName, instructions, relocations, localBtf, targetBtf, []);

    /// <summary>Relocates raw instructions with the given CO-RE records, searching <paramref name="moduleBtfs"/> for types missing from <paramref name="targetBtf"/>.</summary>
    /// <exception cref="CoreRelocationException">A relocation is malformed, ambiguous, or does not fit its instruction.</exception>
    public static CoreRelocationResult Apply(string programName, Bytecode instructions, IReadOnlyList<BtfCoreRelocation> relocations,
        BtfSpec localBtf, BtfSpec targetBtf, IEnumerable<BtfSpec> moduleBtfs)
    {
        ArgumentNullException.ThrowIfNull(moduleBtfs);
        ArgumentNullException.ThrowIfNull(instructions);
        ArgumentNullException.ThrowIfNull(relocations);
        ArgumentNullException.ThrowIfNull(localBtf);
        ArgumentNullException.ThrowIfNull(targetBtf);
        var slots = instructions.Slots.ToArray();
        var reports = new List<CoreRelocationReport>(relocations.Count);
        // As in libbpf, candidates that failed to fit one relocation are dropped for later relocations of the same root type.
        var candidatesByRoot = new Dictionary<uint, IReadOnlyList<CoreCandidate>>();
        var modules = new Lazy<IReadOnlyList<BtfSpec>>(() => moduleBtfs.ToArray());
        for (int i = 0; i < relocations.Count; i++)
        {
            var relocation = relocations[i];
            try
            {
                if (relocation.InstructionIndex < 0 || relocation.InstructionIndex >= slots.Length)
                    throw new CoreRelocationFailure($"instruction {relocation.InstructionIndex} is outside the program's {slots.Length} instructions");
                reports.Add(ApplyOne(i, relocation, slots, localBtf, targetBtf, modules, candidatesByRoot));
            }
            catch (CoreRelocationFailure failure)
            {
                throw new CoreRelocationException(programName, i, relocation.InstructionIndex, Describe(relocation, localBtf), failure.Message);
            }
        }
        return new CoreRelocationResult(new Bytecode(slots), reports);
    }

    private static CoreRelocationReport ApplyOne(int index, BtfCoreRelocation relocation, Instruction[] slots, BtfSpec localBtf,
        BtfSpec targetBtf, Lazy<IReadOnlyList<BtfSpec>> modules, Dictionary<uint, IReadOnlyList<CoreCandidate>> candidatesByRoot)
    {
        if (relocation.TypeId >= (uint)localBtf.Types.Count)
            throw new CoreRelocationFailure($"local type [{relocation.TypeId}] does not exist (the object's BTF has {localBtf.Types.Count - 1} types)");
        var localType = localBtf.TypeById(relocation.TypeId);
        var local = CoreSpecParser.Parse(localBtf, relocation);

        if (relocation.Kind == BtfCoreRelocationKind.TypeIdLocal)
        {
            var own = new CoreRelocationOutcome { OriginalValue = relocation.TypeId, NewValue = relocation.TypeId, Validate = false };
            string patched = CoreInstructionPatcher.Patch(slots, relocation.InstructionIndex, own);
            return new CoreRelocationReport(index, relocation, local.ToString(), null, 0, own.OriginalValue, own.NewValue, false, patched);
        }
        if (localType.Name.Length == 0 || localType is BtfVoid)
            throw new CoreRelocationFailure("the local type is anonymous; CO-RE finds target types by name (libbpf does not support anonymous types either)");

        if (!candidatesByRoot.TryGetValue(relocation.TypeId, out var candidates))
            candidates = FindCandidates(localType, targetBtf, modules);

        CoreSpec? chosen = null;
        CoreRelocationOutcome? outcome = null;
        var fitting = new List<CoreCandidate>();
        foreach (var candidate in candidates)
        {
            var target = CoreSpecMatcher.Match(local, candidate.Btf, candidate.Type.Id);
            if (target is null) continue;
            var candidateOutcome = CoreValueCalculator.Calculate(local, target);
            if (chosen is null)
            {
                chosen = target;
                outcome = candidateOutcome;
            }
            else if (target.BitOffset != chosen.BitOffset)
            {
                throw new CoreRelocationFailure($"field offset ambiguity: candidates {chosen} and {target} give bit offsets {chosen.BitOffset} and {target.BitOffset}");
            }
            else if (candidateOutcome.Poison != outcome!.Poison || candidateOutcome.NewValue != outcome.NewValue)
            {
                throw new CoreRelocationFailure($"relocation decision ambiguity: candidate {chosen} gives {Decision(outcome)}, candidate {target} gives {Decision(candidateOutcome)}");
            }
            fitting.Add(candidate);
        }
        if (fitting.Count > 0) candidatesByRoot[relocation.TypeId] = fitting;
        else candidatesByRoot[relocation.TypeId] = candidates;
        outcome ??= CoreValueCalculator.Calculate(local, null);

        if (outcome.Poison is false && slots[relocation.InstructionIndex].IsLddw && relocation.InstructionIndex + 1 >= slots.Length)
            throw new CoreRelocationFailure("the lddw at the end of the program has no second slot");
        string patch = CoreInstructionPatcher.Patch(slots, relocation.InstructionIndex, outcome);
        bool poisoned = slots[relocation.InstructionIndex] is { Opcode: Opcodes.Call, Immediate: CoreInstructionPatcher.PoisonHelperId, Source: 0 };
        return new CoreRelocationReport(index, relocation, local.ToString(), chosen?.ToString(), candidates.Count,
            outcome.OriginalValue, poisoned ? 0 : outcome.NewValue, poisoned, patch);
    }

    /// <summary>Candidates from the target BTF; only when it has none, from every module's own types (libbpf's order).</summary>
    private static IReadOnlyList<CoreCandidate> FindCandidates(BtfType localType, BtfSpec targetBtf, Lazy<IReadOnlyList<BtfSpec>> modules)
    {
        var candidates = CoreCandidateIndex.For(targetBtf).CandidatesFor(localType);
        if (candidates.Count > 0) return candidates;
        return modules.Value.SelectMany(module => CoreCandidateIndex.ForOwnTypes(module).CandidatesFor(localType)).ToArray();
    }

    private static string Decision(CoreRelocationOutcome outcome) => outcome.Poison ? "failure" : $"success {outcome.NewValue}";

    private static string Describe(BtfCoreRelocation relocation, BtfSpec localBtf)
    {
        string type = relocation.TypeId < (uint)localBtf.Types.Count
            ? CoreTypeText.KindAndName(localBtf.TypeById(relocation.TypeId))
            : "an unknown type";
        return $"<{CoreRelocationKinds.Name(relocation.Kind)}> [{relocation.TypeId}] {type} + {relocation.AccessString}";
    }
}
