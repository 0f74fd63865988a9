using Ebpf.Isa;

namespace Ebpf.Linux.Tests.Differential;

public class ProgramMinimizerTests
{
    [Fact]
    public void RemovingInsideAJumpShortensIt()
    {
        // 0: if r1 == 0 goto 4; 1: r2 = 1; 2: r3 = 2; 3: r4 = 3; 4: exit
        Instruction[] program =
        [
            Emit.Jump(false, JumpOperation.Jeq, 1, 0, 3),
            Emit.Mov64(2, 1), Emit.Mov64(3, 2), Emit.Mov64(4, 3),
            Emit.Exit(),
        ];
        var shorter = ProgramMinimizer.Remove(program, 2, 1);
        Assert.Equal([Emit.Jump(false, JumpOperation.Jeq, 1, 0, 2), Emit.Mov64(2, 1), Emit.Mov64(4, 3), Emit.Exit()], shorter);
    }

    [Fact]
    public void RemovingTheTargetAimsAtTheNextInstruction()
    {
        // 0: gotol +1; 1: r2 = 1; 2: r3 = 2 (target, removed); 3: exit
        Instruction[] program = [Emit.GotoLong(1), Emit.Mov64(2, 1), Emit.Mov64(3, 2), Emit.Exit()];
        Assert.Equal([Emit.GotoLong(1), Emit.Mov64(2, 1), Emit.Exit()], ProgramMinimizer.Remove(program, 2, 1));
    }

    [Fact]
    public void KeepsOnlyWhatTheFailureNeedsAfterTheSetup()
    {
        var slots = new List<Instruction> { Emit.Mov64(1, 5) };
        Emit.Lddw(slots, 2, 0x1234_5678_9abc_def0);
        slots.Add(Emit.Store(AccessSize.DoubleWord, 10, -16, 1));
        slots.Add(Emit.AluReg(true, AluOperation.Add, 1, 2));
        slots.Add(Emit.Alu(true, AluOperation.Div, 3, 7));
        slots.Add(Emit.Mov64(4, 9));
        slots.Add(Emit.Exit());
        // "Fails" while a 64-bit division is present.
        var minimal = ProgramMinimizer.Minimize(new GeneratedProgram("test", [.. slots]),
            p => p.Instructions.Any(i => i.Opcode == 0x37));
        Assert.Equal([.. slots.Take(4), Emit.Alu(true, AluOperation.Div, 3, 7), Emit.Exit()], minimal.Instructions);
        Assert.Equal("test (minimized)", minimal.Kind);
    }

    [Fact]
    public void SetupIsTheLeadingConstantsAndWholeSlotStores()
    {
        var slots = new List<Instruction> { Emit.Mov64(1, 5), Emit.Alu(false, AluOperation.Mov, 2, 1) };
        Emit.Lddw(slots, 3, 1);
        slots.Add(Emit.StoreReg(AccessSize.DoubleWord, 10, 1, -16));
        slots.Add(Emit.Store(AccessSize.Word, 10, -24, 1)); // a narrower store is body, not setup
        slots.Add(Emit.Mov64(4, 9));
        slots.Add(Emit.Exit());
        Assert.Equal(5, ProgramMinimizer.SetupLength([.. slots]));
    }
}
