using Xunit;
using Ebpf.Isa;
using Ebpf.Isa.Text;

namespace Ebpf.Tests.Isa.Text;

public sealed class DisassemblerTests
{
    private static readonly DisassemblyOptions DecimalDistinct = new() { Radix = ImmediateRadix.Decimal, DistinguishCalls = true };
    private static readonly DisassemblyOptions HexDistinct = new() { Radix = ImmediateRadix.Hexadecimal, DistinguishCalls = true };

    public static TheoryData<InstructionCase> LlvmCases => InstructionTable.Theory("instructions.txt");

    public static TheoryData<InstructionCase> ExtensionCases => InstructionTable.Theory("extensions.txt");

    [Theory]
    [MemberData(nameof(LlvmCases))]
    public void Formats_like_llvm_objdump_in_both_radices(InstructionCase row)
    {
        Assert.Equal(row.DecimalText, Disassembler.Format(row.First, row.Second, DisassemblyOptions.Llvm14));
        Assert.Equal(row.HexadecimalText, Disassembler.Format(row.First, row.Second, DisassemblyOptions.Llvm19));
    }

    [Theory]
    [MemberData(nameof(ExtensionCases))]
    public void Formats_forms_llvm_cannot_express_unambiguously(InstructionCase row)
    {
        Assert.Equal(row.DecimalText, Disassembler.Format(row.First, row.Second, DecimalDistinct));
        Assert.Equal(row.HexadecimalText, Disassembler.Format(row.First, row.Second, HexDistinct));
    }

    [Fact]
    public void The_llvm_table_covers_every_valid_opcode()
    {
        var opcodes = InstructionTable.Load("instructions.txt").Select(row => row.Bytes[0]).ToHashSet();
        var missing = Enumerable.Range(0, 256).Select(i => (byte)i)
            .Where(op => IsValidOpcode(op) && !opcodes.Contains(op)).Select(op => $"0x{op:x2}").ToList();
        Assert.Empty(missing);
    }

    // An opcode is valid if some choice of the other fields passes the validator (followed by exit).
    private static bool IsValidOpcode(byte opcode)
    {
        foreach (int imm in new[] { 0, 1, 16 })
        foreach (short off in new short[] { 0, 1, 8 })
        foreach (byte src in new byte[] { 0, 1 })
        {
            var slots = new List<Instruction> { new(opcode, 0, src, off, imm) };
            if (opcode == Opcodes.Lddw) slots.Add(new Instruction(0, 0, 0, 0, 0));
            slots.Add(new Instruction(Opcodes.Exit, 0, 0, 0, 0));
            slots.Add(new Instruction(Opcodes.Exit, 0, 0, 0, 0));
            if (ProgramValidator.Validate(new Bytecode(slots)).Count == 0) return true;
        }
        return false;
    }

    [Fact]
    public void Local_and_kernel_function_calls_look_like_helper_calls_by_default_as_in_llvm()
    {
        var local = new Instruction(Opcodes.Call, 0, (byte)CallKind.Local, 0, -3);
        var kernel = new Instruction(Opcodes.Call, 0, (byte)CallKind.KernelFunction, 0, 7);
        Assert.Equal("call -3", Disassembler.Format(local));
        Assert.Equal("call 7", Disassembler.Format(kernel));
        Assert.Equal("call -0x3", Disassembler.Format(local, options: DisassemblyOptions.Llvm19));
        Assert.Equal("call pc-3", Disassembler.Format(local, options: DecimalDistinct));
        Assert.Equal("call kfunc(7)", Disassembler.Format(kernel, options: DecimalDistinct));
    }

    [Fact]
    public void The_default_radix_is_decimal()
    {
        Assert.Equal(ImmediateRadix.Decimal, DisassemblyOptions.Default.Radix);
        Assert.False(DisassemblyOptions.Default.DistinguishCalls);
        Assert.Equal("r1 += 10", Disassembler.Format(new Instruction(0x07, 1, 0, 0, 10)));
    }

    [Fact]
    public void Disassemble_walks_the_program_with_lddw_taking_two_slots()
    {
        var program = Bytecode.FromBytes(Convert.FromHexString(
            "b701000005000000" + "18020000341200000000000078560000" + "0502000000000000" + "9500000000000000"));
        var lines = Disassembler.Disassemble(program, DisassemblyOptions.Llvm19);
        Assert.Equal(
            [new(0, 1, "r1 = 0x5"), new(1, 2, "r2 = 0x567800001234 ll"), new(3, 1, ".quad 0x0000000000000205"), new(4, 1, "exit")],
            lines);
        Assert.Equal("       0:\tr1 = 0x5\n       1:\tr2 = 0x567800001234 ll\n       3:\t.quad 0x0000000000000205\n       4:\texit\n",
            Disassembler.ToText(program, DisassemblyOptions.Llvm19));
        Assert.Equal("r1 = 5\nr2 = 95073396068916 ll\n.quad 0x0000000000000205\nexit\n",
            Disassembler.ToText(program, includeIndexColumn: false));
    }

    [Fact]
    public void A_lddw_whose_second_slot_is_not_a_plain_immediate_holder_is_written_slot_by_slot()
    {
        var program = Bytecode.FromBytes(Convert.FromHexString("1801000005000000" + "b702000007000000"));
        var lines = Disassembler.Disassemble(program);
        Assert.Equal([new(0, 1, ".quad 0x0000000500000118"), new(1, 1, "r2 = 7")], lines);
    }

    [Fact]
    public void A_lddw_without_a_next_slot_is_written_raw()
    {
        var (first, _) = Instruction.Lddw(1, 5);
        Assert.Equal(".quad 0x0000000500000118", Disassembler.Format(first));
    }
}
