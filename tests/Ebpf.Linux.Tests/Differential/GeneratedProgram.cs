using System.Text;
using Ebpf.Isa;
using Ebpf.Isa.Text;

namespace Ebpf.Linux.Tests.Differential;

/// <summary>
/// A generated test program: ends with its only <c>exit</c>, which every forward jump may target, and reads no
/// input (it writes r0–r9 before using them and touches the stack only at <see cref="ProgramParts.FirstBodySlot"/>
/// and below, after writing the slot).
/// </summary>
internal sealed record GeneratedProgram(string Kind, Instruction[] Instructions)
{
    public Bytecode Bytecode => new(Instructions);

    /// <summary>
    /// Everything needed to reproduce a failure by hand: the bytes (for <c>ebpf exec</c> or a test), then one line
    /// per instruction with its slot index, its bytes and its assembly.
    /// </summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        var bytes = Bytecode.ToBytes();
        text.AppendLine($"{Kind} program, {Instructions.Length} slots");
        text.AppendLine($"bytes: {Convert.ToHexString(bytes).ToLowerInvariant()}");
        foreach (var line in Disassembler.Disassemble(Bytecode, DisassemblyOptions.Llvm19))
        {
            string hex = Convert.ToHexString(bytes, line.Index * Instruction.Size, line.SlotCount * Instruction.Size).ToLowerInvariant();
            text.AppendLine($"{line.Index,4}: {hex,-32}  {line.Text}");
        }
        return text.ToString();
    }
}
