using Ebpf.Runtime;
using Ebpf.Isa;
using Ebpf.Tests.Support;

namespace Ebpf.Tests.Runtime;

/// <summary>Runs on every engine: each engine gets a sealed subclass below.</summary>
public abstract class EngineAluTests
{
    protected abstract ExecutionEngine Engine { get; }

    public sealed class OnInterpreter : EngineAluTests
    {
        protected override ExecutionEngine Engine => ExecutionEngine.Interpreter;
    }

    public sealed class OnJit : EngineAluTests
    {
        protected override ExecutionEngine Engine => ExecutionEngine.Jit;
    }

    public static TheoryData<string, string, string, string, string> AluCases()
    {
        var data = new TheoryData<string, string, string, string, string>();
        foreach (var row in TestData.Rows("alu.txt")) data.Add(row[0], row[1], row[2], row[3], row[4]);
        return data;
    }

    [Theory]
    [MemberData(nameof(AluCases))]
    public void Arithmetic_matches_rfc9669(string opcode, string dst, string operand, string offset, string expected)
    {
        byte op = (byte)TestData.Hex(opcode);
        var program = new ProgramBuilder(Engine).Load64(0, TestData.Hex(dst));
        bool byteSwap = Opcodes.AluOperationOf(op) == AluOperation.End; // bit 3 selects big endian there, not a register
        if (Opcodes.SourceOf(op) == OperandSource.Register && !byteSwap)
            program.Load64(1, TestData.Hex(operand)).Add(op, 0, 1, short.Parse(offset));
        else
            program.Add(op, 0, 0, short.Parse(offset), unchecked((int)(uint)TestData.Hex(operand)));
        program.Exit();

        Assert.Equal(TestData.Hex(expected), program.Run());
    }

    [Fact]
    public void Every_arithmetic_opcode_has_table_cases()
    {
        var covered = TestData.Rows("alu.txt").Select(row => (byte)TestData.Hex(row[0])).ToHashSet();
        var aluOpcodes = Enumerable.Range(0, 256).Select(i => (byte)i)
            .Where(op => Opcodes.IsAlu(op) && IsValidAluOpcode(op));
        Assert.Empty(aluOpcodes.Where(op => !covered.Contains(op)).Select(op => $"0x{op:x2}"));
    }

    private static bool IsValidAluOpcode(byte op)
    {
        int imm = Opcodes.AluOperationOf(op) == AluOperation.End ? 16 : 0;
        var program = new Bytecode([new Instruction(op, 0, 0, 0, imm), new Instruction(Opcodes.Exit, 0, 0, 0, 0)]);
        return ProgramValidator.Validate(program).Count == 0;
    }
}
