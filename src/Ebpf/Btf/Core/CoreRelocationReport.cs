namespace Ebpf.Btf.Core;

/// <summary>What one CO-RE relocation resolved to, for diagnostics (the lines libbpf prints at debug level).</summary>
/// <param name="Index">The relocation's index among the program's CO-RE records.</param>
/// <param name="Relocation">The record itself.</param>
/// <param name="Local">The local access, e.g. <c>[7] struct task.tgid (0:1 @ offset 4)</c>.</param>
/// <param name="Target">The target access it resolved to, or null when no candidate fitted (and for local type ids).</param>
/// <param name="CandidateCount">How many target types had the right name and kind.</param>
/// <param name="OriginalValue">The value computed from the local BTF.</param>
/// <param name="NewValue">The value patched in (0 for a poisoned instruction).</param>
/// <param name="Poisoned">The instruction was replaced by a call to the poison helper.</param>
/// <param name="Patch">What was done to the instruction, in words.</param>
public sealed record CoreRelocationReport(
    int Index, BtfCoreRelocation Relocation, string Local, string? Target, int CandidateCount,
    ulong OriginalValue, ulong NewValue, bool Poisoned, string Patch)
{
    /// <summary>libbpf's short name of the relocation kind (<c>byte_off</c>, <c>enumval_value</c>, …).</summary>
    public string KindName => CoreRelocationKinds.Name(Relocation.Kind);

    /// <summary>One line: <c>relo #0: insn 3 &lt;byte_off&gt; [7] struct task.tgid (0:1 @ offset 4) => [123] struct task_struct.tgid (0:90 @ offset 2468): LDX off 4 -> 2468</c>.</summary>
    public override string ToString() =>
        Relocation.Kind == BtfCoreRelocationKind.TypeIdLocal
            ? $"relo #{Index}: insn {Relocation.InstructionIndex} <{KindName}> {Local} => the local type id: {Patch}"
            : $"relo #{Index}: insn {Relocation.InstructionIndex} <{KindName}> {Local} => {Target ?? "no matching target"}" +
              $" ({CandidateCount} candidate{(CandidateCount == 1 ? "" : "s")}): {Patch}";
}

/// <summary>A program's instructions after CO-RE relocation, and what each relocation resolved to.</summary>
/// <param name="Instructions">The relocated instructions (the same length as the input).</param>
/// <param name="Relocations">One report per CO-RE record, in record order.</param>
public sealed record CoreRelocationResult(Isa.Bytecode Instructions, IReadOnlyList<CoreRelocationReport> Relocations);
