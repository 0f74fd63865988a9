using CsCheck;
using Ebpf.Isa;

namespace Ebpf.Linux.Tests.Differential;

/// <summary>
/// Programs with a bpf-to-bpf call. The main function computes, passes r1 = a pointer to its own stack slot and
/// r2–r5 as arguments, calls; the function writes through the pointer into the caller's frame, computes with
/// its own r0 and r6–r9 (which start unwritten in a new frame), folds and returns. After the call the caller
/// may read only r0 and r6–r9 (the kernel makes r1–r5 unreadable), so it folds those and its slot.
/// </summary>
internal static class CallPrograms
{
    private const short CallerSlot = -16;

    private static readonly byte[] CalleeSaved = [6, 7, 8, 9];

    private static readonly Gen<Instruction[]> Main =
        from init in ProgramParts.InitialiseRegisters
        from slotValue in Values.Immediate
        from body in AluGenerators.Any.Array[0, 15]
        select (Instruction[])
        [
            .. init,
            Emit.Store(AccessSize.DoubleWord, 10, CallerSlot, slotValue),
            .. body,
            Emit.AluReg(true, AluOperation.Mov, 1, 10), // r1 = r10 - 16: the caller's slot
            Emit.Alu(true, AluOperation.Add, 1, CallerSlot),
        ];

    /// <summary>Writes one argument register (or r0, r6–r9) through the pointer, at 8, 4, 2 or 1 bytes.</summary>
    private static readonly Gen<Instruction> WriteThroughPointer =
        from size in Gen.OneOfConst(AccessSize.DoubleWord, AccessSize.Word, AccessSize.HalfWord, AccessSize.Byte)
        from src in Gen.OneOfConst<byte>(0, 2, 3, 4, 5, 6, 7, 8, 9)
        select Emit.StoreReg(size, 1, src, 0);

    private static readonly Gen<Instruction[]> Function =
        from init in ProgramParts.Initialise([0, 6, 7, 8, 9])
        from writes in WriteThroughPointer.Array[1, 3]
        from scalarR1 in ProgramParts.Initialise([1])
        from body in AluGenerators.Any.Array[1, 20]
        select (Instruction[])[.. init, .. writes, .. scalarR1, .. body, .. ProgramParts.FoldAndExit([])];

    /// <summary>main; call; fold r6–r9 and the slot; exit; then the function.</summary>
    public static readonly Gen<GeneratedProgram> Calls =
        from main in Main
        from function in Function
        select Assemble(main, function);

    private static GeneratedProgram Assemble(Instruction[] main, Instruction[] function)
    {
        Instruction[] afterCall = ProgramParts.FoldAndExit([CallerSlot], CalleeSaved);
        // The function starts right after the main function's exit: skip the fold that follows the call.
        return new GeneratedProgram("call", [.. main, Emit.CallLocal(afterCall.Length), .. afterCall, .. function]);
    }
}
