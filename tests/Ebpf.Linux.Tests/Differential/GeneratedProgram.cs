using System.Text;
using Ebpf.Isa;

namespace Ebpf.Linux.Tests.Differential;

/// <summary>
/// A generated test program: ends with its only <c>exit</c>, which every forward jump may target, and reads no
/// input (it writes r0–r9 before using them and touches the stack only at <see cref="ProgramParts.FirstBodySlot"/>
/// and below, after writing the slot).
/// </summary>
internal sealed record GeneratedProgram(string Kind, Instruction[] Instructions)
{
    public Bytecode Bytecode => new(Instructions);

    /// <summary>Everything needed to reproduce a failure by hand: the bytes, then one line per slot.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine($"{Kind} program, {Instructions.Length} slots");
        text.AppendLine($"bytes: {Convert.ToHexString(Bytecode.ToBytes()).ToLowerInvariant()}");
        Span<byte> slot = stackalloc byte[Instruction.Size];
        for (int i = 0; i < Instructions.Length; i++)
        {
            Instructions[i].Encode(slot);
            text.AppendLine($"{i,4}: {Convert.ToHexString(slot).ToLowerInvariant()}  {Instructions[i]}");
        }
        return text.ToString();
    }
}
