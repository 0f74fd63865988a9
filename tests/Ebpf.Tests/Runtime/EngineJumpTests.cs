using Ebpf.Runtime;
using Ebpf.Isa;
using Ebpf.Tests.Support;

namespace Ebpf.Tests.Runtime;

/// <summary>Runs on every engine: each engine gets a sealed subclass below.</summary>
public abstract class EngineJumpTests
{
    protected abstract ExecutionEngine Engine { get; }

    public sealed class OnInterpreter : EngineJumpTests
    {
        protected override ExecutionEngine Engine => ExecutionEngine.Interpreter;
    }

    public sealed class OnJit : EngineJumpTests
    {
        protected override ExecutionEngine Engine => ExecutionEngine.Jit;
    }

    public static TheoryData<string, string, string, string> JumpCases()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var row in TestData.Rows("jump.txt")) data.Add(row[0], row[1], row[2], row[3]);
        return data;
    }

    [Theory]
    [MemberData(nameof(JumpCases))]
    public void Conditional_jump_matches_rfc9669(string opcode, string dst, string operand, string taken)
    {
        byte op = (byte)TestData.Hex(opcode);
        var program = new ProgramBuilder(Engine).Load64(2, TestData.Hex(dst));
        if (Opcodes.SourceOf(op) == OperandSource.Register)
            program.Load64(1, TestData.Hex(operand)).Add(op, 2, 1, offset: 2);
        else
            program.Add(op, 2, 0, offset: 2, immediate: unchecked((int)(uint)TestData.Hex(operand)));
        program.Mov(0, 0).Exit().Mov(0, 1).Exit();

        Assert.Equal(ulong.Parse(taken), program.Run());
    }

    [Fact]
    public void Goto_skips_forward_and_backward()
    {
        // 0: r0 = 0; 1: goto +2 (to 4); 2: r0 = 1; 3: exit; 4: r0 += 5; 5: goto -3 (to 3)
        var program = new ProgramBuilder(Engine).Mov(0, 0).Add(Opcodes.Ja, offset: 2).Mov(0, 1).Exit()
            .Add(0x07, 0, immediate: 5).Add(Opcodes.Ja, offset: -3);
        Assert.Equal(5UL, program.Run());
    }

    [Fact]
    public void Gotol_uses_the_32_bit_immediate()
    {
        var program = new ProgramBuilder(Engine).Mov(0, 7).Add(Opcodes.Ja32, immediate: 1).Mov(0, 9).Exit();
        Assert.Equal(7UL, program.Run());
    }
}
