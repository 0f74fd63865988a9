namespace Ebpf.Btf.Core;

/// <summary>
/// A CO-RE relocation that cannot be applied at all (a malformed access string, an ambiguous target, an instruction
/// that does not fit the relocation). The message names the program, the relocation, its instruction and its type.
/// A relocation that merely finds no target is not an error: its instruction is poisoned instead, as libbpf does.
/// </summary>
public sealed class CoreRelocationException : EbpfException
{
    /// <summary>Creates the exception.</summary>
    public CoreRelocationException(string program, int relocationIndex, int instructionIndex, string relocation, string reason)
        : base($"CO-RE relocation #{relocationIndex} of program '{program}' at instruction {instructionIndex} ({relocation}): {reason}")
    {
        Program = program;
        RelocationIndex = relocationIndex;
        InstructionIndex = instructionIndex;
    }

    /// <summary>The program's name.</summary>
    public string Program { get; }

    /// <summary>The relocation's index in the program's CO-RE records.</summary>
    public int RelocationIndex { get; }

    /// <summary>The instruction the relocation patches.</summary>
    public int InstructionIndex { get; }
}

/// <summary>Raised inside the engine with just the reason; <see cref="CoreRelocator"/> adds program, instruction and type.</summary>
internal sealed class CoreRelocationFailure(string reason) : Exception(reason);
