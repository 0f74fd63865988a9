using Ebpf.Isa;
using Ebpf.Tests.Support;

namespace Ebpf.Tests.Isa;

public class ProgramValidatorTests
{
    private static readonly Instruction Exit = new(Opcodes.Exit, 0, 0, 0, 0);

    private static string? FirstError(params Instruction[] slots)
    {
        var errors = ProgramValidator.Validate(new Bytecode(slots));
        return errors.Count == 0 ? null : errors[0].ToString();
    }

    [Fact]
    public void Accepts_a_minimal_program() => Assert.Null(FirstError(new Instruction(0xb7, 0, 0, 0, 0), Exit));

    [Fact]
    public void Rejects_an_empty_program() => Assert.Contains("no instructions", FirstError());

    [Theory]
    [InlineData(0x8c, "instruction 0: unknown opcode 0x8c")]        // neg has no register form
    [InlineData(0xff, "instruction 0: unknown opcode 0xff")]
    [InlineData(0x0e, "instruction 0: unknown opcode 0x0e")]        // JMP32 ja by register
    [InlineData(0x96, "instruction 0: unknown opcode 0x96")]        // exit in the JMP32 class
    [InlineData(0x99, "instruction 0: unknown opcode 0x99")]        // sign-extending 64-bit load does not exist
    [InlineData(0x38, "instruction 0: unknown opcode 0x38")]        // 64-bit BPF_ABS
    public void Rejects_unknown_opcodes(byte opcode, string expected) =>
        Assert.Equal(expected, FirstError(new Instruction(opcode, 0, 0, 0, 0), Exit));

    [Fact]
    public void Rejects_registers_above_r10() =>
        Assert.Equal("instruction 0: invalid destination register r11; registers are r0 to r10", FirstError(new Instruction(0xb7, 11, 0, 0, 0), Exit));

    [Fact]
    public void Rejects_source_registers_above_r10() =>
        Assert.Equal("instruction 0: invalid source register r12; registers are r0 to r10", FirstError(new Instruction(0xbf, 0, 12, 0, 0), Exit));

    [Theory]
    [InlineData(0xb7)] // mov
    [InlineData(0x07)] // add
    [InlineData(0x61)] // ldxw
    [InlineData(0x18)] // lddw
    public void Rejects_writes_to_the_frame_pointer(byte opcode)
    {
        Instruction[] program = opcode == Opcodes.Lddw
            ? [new Instruction(opcode, 10, 0, 0, 0), new Instruction(0, 0, 0, 0, 0), Exit]
            : [new Instruction(opcode, 10, (byte)(opcode == 0x61 ? 1 : 0), 0, 0), Exit];
        Assert.Equal("instruction 0: r10 is the read-only frame pointer and cannot be written", FirstError(program));
    }

    [Fact]
    public void Stores_through_r10_are_allowed() =>
        Assert.Null(FirstError(new Instruction(0x7a, 10, 0, -8, 1), new Instruction(0xb7, 0, 0, 0, 0), Exit));

    [Fact]
    public void Rejects_a_jump_outside_the_program() =>
        Assert.Equal("instruction 0: goto target 5 (offset +4) is outside the program (instructions 0 to 1)",
            FirstError(new Instruction(Opcodes.Ja, 0, 0, 4, 0), Exit));

    [Theory]
    [InlineData(1, null)]                                                                      // the second lddw
    [InlineData(-1, null)]                                                                     // the lddw itself
    [InlineData(0, "instruction 0: function reference (lddw src=4) target 1 (offset 0) is the second half of the lddw at 0")]
    [InlineData(7, "instruction 0: function reference (lddw src=4) target 8 (offset +7) is outside the program (instructions 0 to 4)")]
    [InlineData(-2, "instruction 0: function reference (lddw src=4) target -1 (offset -2) is outside the program (instructions 0 to 4)")]
    public void A_function_reference_must_name_an_instruction_start(int offset, string? error) =>
        Assert.Equal(error, FirstError(
            new Instruction(Opcodes.Lddw, 1, (byte)LddwSource.Function, 0, offset), new Instruction(0, 0, 0, 0, 0),
            new Instruction(Opcodes.Lddw, 2, 0, 0, 0), new Instruction(0, 0, 0, 0, 0), Exit));

    [Fact]
    public void Rejects_a_jump_before_the_start() =>
        Assert.Equal("instruction 1: conditional jump target -1 (offset -3) is outside the program (instructions 0 to 2)",
            FirstError(new Instruction(0xb7, 0, 0, 0, 0), new Instruction(0x15, 0, 0, -3, 0), Exit));

    [Fact]
    public void Rejects_a_jump_into_the_middle_of_lddw() =>
        Assert.Equal("instruction 0: goto target 2 (offset +1) is the second half of the lddw at 1",
            FirstError(new Instruction(Opcodes.Ja, 0, 0, 1, 0), new Instruction(Opcodes.Lddw, 0, 0, 0, 1), new Instruction(0, 0, 0, 0, 0), Exit));

    [Fact]
    public void Rejects_a_local_call_into_the_middle_of_lddw() =>
        Assert.Contains("call target 2 (offset +1) is the second half of the lddw",
            FirstError(new Instruction(Opcodes.Call, 0, 1, 0, 1), new Instruction(Opcodes.Lddw, 0, 0, 0, 1), new Instruction(0, 0, 0, 0, 0), Exit));

    [Fact]
    public void Rejects_lddw_without_its_second_slot() =>
        Assert.Equal("instruction 1: lddw is missing its second instruction slot",
            FirstError(new Instruction(0xb7, 0, 0, 0, 0), new Instruction(Opcodes.Lddw, 0, 0, 0, 1)));

    [Fact]
    public void Rejects_a_second_lddw_slot_with_an_opcode() =>
        Assert.Contains("second slot of lddw must have opcode, registers and offset 0",
            FirstError(new Instruction(Opcodes.Lddw, 0, 0, 0, 1), new Instruction(0xb7, 0, 0, 0, 0), Exit));

    [Theory]
    [InlineData(0, null)]
    [InlineData(1, "uses only the first immediate")]
    [InlineData(2, null)]
    [InlineData(3, null)]
    [InlineData(4, "uses only the first immediate")]
    [InlineData(5, "uses only the first immediate")]
    [InlineData(6, null)]
    [InlineData(7, "lddw source field 7 is not a known pseudo form (0 to 6)")]
    public void Lddw_pseudo_forms(byte source, string? error)
    {
        string? actual = FirstError(new Instruction(Opcodes.Lddw, 1, source, 0, 3), new Instruction(0, 0, 0, 0, 8), Exit);
        if (error is null) Assert.Null(actual);
        else Assert.Contains(error, actual);
    }

    [Fact]
    public void Rejects_falling_through_past_the_end() =>
        Assert.Equal("instruction 1: the last instruction can fall through past the end of the program; end it with exit or an unconditional goto",
            FirstError(new Instruction(0xb7, 0, 0, 0, 0), new Instruction(0x15, 0, 0, -2, 0)));

    [Fact]
    public void A_program_may_end_with_a_backward_goto() =>
        Assert.Null(FirstError(new Instruction(0xb7, 0, 0, 0, 0), Exit, new Instruction(Opcodes.Ja, 0, 0, -2, 0)));

    [Theory]
    [InlineData(0xd4, 8, "byte swap width must be 16, 32 or 64, not 8")]
    [InlineData(0xbf, 0, null)]
    [InlineData(0x3f, 2, "takes offset 0 (unsigned) or 1 (signed), not 2")]
    public void Checks_operation_specific_fields(byte opcode, int immediateOrOffset, string? error)
    {
        var insn = opcode == 0xd4 ? new Instruction(opcode, 1, 0, 0, immediateOrOffset) : new Instruction(opcode, 1, 2, (short)immediateOrOffset, 0);
        string? actual = FirstError(insn, Exit);
        if (error is null) Assert.Null(actual);
        else Assert.Contains(error, actual);
    }

    [Fact]
    public void Rejects_unknown_atomic_operations() =>
        Assert.Contains("unknown atomic operation 0x2", FirstError(new Instruction(Opcodes.Atomic64, 1, 2, 0, 2), Exit));

    [Fact]
    public void Validate_reports_every_error_in_order()
    {
        var errors = ProgramValidator.Validate(new Bytecode([new Instruction(0xff, 0, 0, 0, 0), new Instruction(0xb7, 11, 0, 0, 0), Exit]));
        Assert.Equal([0, 1], errors.Select(e => e.InstructionIndex));
    }

    public static TheoryData<string> UnusedFieldCases()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(Path.Combine(RepositoryPaths.Conformance, "negative"), "unused-*.data").Order())
            data.Add(Path.GetFileName(file));
        return data;
    }

    /// <summary>RFC 9669 requires unused fields to be zero; the suite's negative cases give such instructions as raw bytes.</summary>
    [Theory]
    [MemberData(nameof(UnusedFieldCases))]
    public void Rejects_nonzero_unused_fields_of_the_conformance_negative_cases(string file)
    {
        var program = Bytecode.FromBytes(ReadRawSection(Path.Combine(RepositoryPaths.Conformance, "negative", file)));
        var errors = ProgramValidator.Validate(program);
        Assert.NotEmpty(errors);
        Assert.Equal(0, errors[0].InstructionIndex);
        Assert.Matches("does not use the (destination register|source register|offset|immediate) field, which must be 0|takes offset 0 \\(move\\)", errors[0].Reason);
    }

    private static byte[] ReadRawSection(string path)
    {
        var bytes = new List<byte>();
        bool inRaw = false;
        foreach (string rawLine in File.ReadLines(path))
        {
            string line = rawLine.Split('#')[0].Trim();
            if (line.StartsWith("--", StringComparison.Ordinal)) { inRaw = line.Contains("raw"); continue; }
            if (inRaw) bytes.AddRange(line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(b => Convert.ToByte(b, 16)));
        }
        return [.. bytes];
    }
}
