using CsCheck;
using Ebpf.Isa;

namespace Ebpf.Linux.Tests.Differential;

/// <summary>Programs of forward conditional and unconditional jumps over arithmetic blocks.</summary>
internal static class BranchPrograms
{
    private static readonly JumpOperation[] Conditions =
    [
        JumpOperation.Jeq, JumpOperation.Jne, JumpOperation.Jset,
        JumpOperation.Jgt, JumpOperation.Jge, JumpOperation.Jlt, JumpOperation.Jle,
        JumpOperation.Jsgt, JumpOperation.Jsge, JumpOperation.Jslt, JumpOperation.Jsle,
    ];

    /// <summary>A conditional jump of any kind (JMP or JMP32, K or X), waiting for its forward offset.</summary>
    private static readonly Gen<Func<short, Instruction>> ConditionalJump =
        from is32 in Gen.Bool
        from op in Gen.OneOfConst(Conditions)
        from byRegister in Gen.Bool
        from dst in Values.Register
        from src in Values.Register
        from imm in Values.Immediate
        select (Func<short, Instruction>)(offset => byRegister
            ? Emit.JumpReg(is32, op, dst, src, offset)
            : Emit.Jump(is32, op, dst, imm, offset));


    /// <summary><c>if cond goto end; then; end:</c></summary>
    private static Gen<Instruction[]> IfThen(Gen<Instruction[]> block) =>
        from jump in ConditionalJump
        from then in block
        select (Instruction[])[jump((short)then.Length), .. then];

    /// <summary>
    /// <c>if cond goto else; then; goto end; else: ...; end:</c>, the unconditional jump as <c>goto</c> or as
    /// <c>gotol</c> (ISA v4, 32-bit offset in the immediate). Every instruction stays reachable: the verifier
    /// rejects unreachable code, so there are no other unconditional jumps.
    /// </summary>
    private static Gen<Instruction[]> IfThenElse(Gen<Instruction[]> block) =>
        from jump in ConditionalJump
        from then in block
        from otherwise in block
        from longJump in Gen.Bool
        select (Instruction[])
        [
            jump((short)(then.Length + 1)),
            .. then,
            longJump ? Emit.GotoLong(otherwise.Length) : Emit.Goto((short)otherwise.Length),
            .. otherwise,
        ];

    /// <summary>A conditional jump straight to the final <c>exit</c>, skipping everything after it, including the fold.</summary>
    private static readonly Gen<Func<int, Instruction[]>> EarlyExit =
        ConditionalJump.Select(jump => (Func<int, Instruction[]>)(distanceToExit => [jump((short)distanceToExit)]));

    /// <summary>
    /// Programs of forward branches of every kind over arithmetic blocks (no loops), with now and then a jump to
    /// the final <c>exit</c>.
    /// </summary>
    public static readonly Gen<GeneratedProgram> Branches = Over("branches", AluGenerators.Any.Array[1, 4], withStack: false);

    /// <summary>
    /// The same shapes over blocks that also store, load and update the stack atomically, without the atomics
    /// that load into a register (see <see cref="KnownKernelDeviations"/>).
    /// </summary>
    public static readonly Gen<GeneratedProgram> BranchesOverStack =
        Over("branches/stack", StackPrograms.StepWithoutFetch.Array[1, 4], withStack: true);

    /// <summary>Programs of straight blocks and if/else constructs over blocks of one to four steps.</summary>
    private static Gen<GeneratedProgram> Over(string kind, Gen<Instruction[]> block, bool withStack) =>
        from init in ProgramParts.InitialiseRegisters
        from slots in withStack ? StackPrograms.InitialiseSlots : Gen.Const(Array.Empty<Instruction>())
        from constructs in Gen.Frequency((2, block), (3, IfThen(block)), (3, IfThenElse(block))).Array[2, 10]
        from exitAt in Gen.Int[-1, constructs.Length - 1]
        from early in EarlyExit
        select Assemble(kind, [.. init, .. slots], constructs, exitAt, early, withStack ? ProgramParts.StackSlots : []);

    private static GeneratedProgram Assemble(string kind, Instruction[] setup, Instruction[][] constructs, int exitAt,
        Func<int, Instruction[]> early, short[] foldedSlots)
    {
        Instruction[] fold = ProgramParts.FoldAndExit(foldedSlots);
        var body = new List<Instruction>(setup);
        for (int i = 0; i < constructs.Length; i++)
        {
            body.AddRange(constructs[i]);
            if (i != exitAt) continue;
            int remaining = constructs.Skip(i + 1).Sum(c => c.Length) + fold.Length - 1;
            body.AddRange(early(remaining));
        }
        body.AddRange(fold);
        return new GeneratedProgram(kind, [.. body]);
    }
}
