using CsCheck;
using Ebpf.Isa;

namespace Ebpf.Linux.Tests.Differential;

/// <summary>
/// Programs with a <c>bpf_loop</c> callback. The main function computes, stores a value in its slot, and calls
/// <c>bpf_loop(n, callback, &amp;slot, 0)</c> for a small n; each call of the callback (r1 = the index, r2 = the
/// slot's address) writes its registers, mixes the index and the slot into them, folds them back into the slot and
/// returns 1 (stop) for one in eight folds, else 0. After the call the caller folds r0 (the iterations done),
/// r6–r9 and the slot.
/// </summary>
internal static class CallbackPrograms
{
    private const short CallerSlot = -16;
    private const int BpfLoop = 181;
    private const int FoldMultiplier = 16777619;

    private static readonly byte[] CalleeSaved = [6, 7, 8, 9];

    /// <summary>ALU operations that leave r2 alone: it holds the slot's address, on which the verifier allows no arithmetic.</summary>
    private static readonly Gen<Instruction> ScalarAlu = AluGenerators.Any.Where(insn =>
        insn.Destination != 2 && !(Opcodes.SourceOf(insn.Opcode) == OperandSource.Register && insn.Source == 2));

    private static readonly Gen<Instruction[]> Main =
        from init in ProgramParts.InitialiseRegisters
        from slotValue in Values.Immediate
        from body in AluGenerators.Any.Array[0, 12]
        from loops in Gen.Int[0, 6]
        select (Instruction[])
        [
            .. init,
            Emit.Store(AccessSize.DoubleWord, 10, CallerSlot, slotValue),
            .. body,
            Emit.Mov64(1, loops),
        ];

    private static readonly Gen<Instruction[]> Callback =
        from init in ProgramParts.Initialise([0, 3, 4, 5, 6, 7, 8, 9])
        from mixSlotInto in Gen.OneOfConst<byte>(0, 3, 4, 5, 6, 7, 8, 9)
        from body in ScalarAlu.Array[1, 16]
        select (Instruction[])
        [
            .. init,
            Emit.Load(AccessSize.DoubleWord, mixSlotInto, 2, 0),
            .. body,
            .. FoldInto(0, [1, 3, 4, 5, 6, 7, 8, 9]),
            Emit.StoreReg(AccessSize.DoubleWord, 2, 0, 0),
            // r0 = 1 when the fold's top three bits are all set (stop), else 0: the verifier wants 0 or 1.
            Emit.AluReg(true, AluOperation.Mov, 3, 0),
            Emit.Mov64(0, 0),
            Emit.Alu(true, AluOperation.Rsh, 3, 61),
            Emit.Jump(false, JumpOperation.Jne, 3, 7, 1),
            Emit.Mov64(0, 1),
            Emit.Exit(),
        ];

    /// <summary>main; bpf_loop(…, callback, &amp;slot, 0); fold r0, r6–r9 and the slot; exit; then the callback.</summary>
    public static readonly Gen<GeneratedProgram> Callbacks =
        from main in Main
        from callback in Callback
        select Assemble(main, callback);

    private static GeneratedProgram Assemble(Instruction[] main, Instruction[] callback)
    {
        Instruction[] afterCall = ProgramParts.FoldAndExit([CallerSlot], CalleeSaved);
        var program = new List<Instruction>(main);
        int lddw = program.Count;
        program.Add(default); // the function reference, placed below once the callback's start is known
        program.Add(new Instruction(0, 0, 0, 0, 0));
        program.Add(Emit.AluReg(true, AluOperation.Mov, 3, 10));
        program.Add(Emit.Alu(true, AluOperation.Add, 3, CallerSlot));
        program.Add(Emit.Mov64(4, 0));
        program.Add(new Instruction(Opcodes.Call, 0, (byte)CallKind.Helper, 0, BpfLoop));
        program.AddRange(afterCall);
        int callbackStart = program.Count;
        program[lddw] = new Instruction(Opcodes.Lddw, 2, (byte)LddwSource.Function, 0, callbackStart - lddw - 1);
        program.AddRange(callback);
        return new GeneratedProgram("callback", [.. program]);
    }

    private static IEnumerable<Instruction> FoldInto(byte target, byte[] registers) => registers.SelectMany(r => new[]
    {
        Emit.Alu(true, AluOperation.Mul, target, FoldMultiplier),
        Emit.AluReg(true, AluOperation.Xor, target, r),
    });
}
