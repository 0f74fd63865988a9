using CsCheck;
using Ebpf.Isa;
using Ebpf.Isa.Text;
using Xunit;

namespace Ebpf.Tests.Isa.Text;

/// <summary>Disassembling with <see cref="DisassemblyOptions.DistinguishCalls"/> on and assembling gives back the same bytes.</summary>
public sealed class RoundTripProperties
{
    private const int Padding = 40;
    private static readonly Instruction Exit = new(Opcodes.Exit, 0, 0, 0, 0);

    private static readonly Gen<DisassemblyOptions> Options =
        Gen.Bool.Select(hex => new DisassemblyOptions { Radix = hex ? ImmediateRadix.Hexadecimal : ImmediateRadix.Decimal, DistinguishCalls = true });

    private static readonly byte[] ValidOpcodes = Enumerable.Range(0, 256).Select(i => (byte)i).Where(HasValidEncoding).ToArray();

    /// <summary>
    /// Instructions with an opcode the validator knows and fields drawn to make valid encodings likely: registers
    /// 0-10 (often 0), offsets and immediates that are often 0, small, a width or an atomic operation code.
    /// </summary>
    private static readonly Gen<Instruction> LikelyValidInstruction = Gen.Select(
        Gen.OneOfConst(ValidOpcodes),
        Gen.OneOf(Gen.Const((byte)0), Gen.Byte[0, 10]),
        Gen.OneOf(Gen.Const((byte)0), Gen.Byte[0, 10]),
        Gen.OneOf(Gen.Const((short)0), Gen.Short[-Padding, Padding - 1], Gen.OneOfConst<short>(1, 8, 16, 32)),
        Gen.OneOf(Gen.Const(0), Gen.Int[-Padding, Padding - 1], Gen.OneOfConst(16, 32, 64, 0x40, 0x50, 0xa0, 0x01, 0x41, 0x51, 0xa1, 0xe1, 0xf1), Gen.Int),
        (op, dst, src, off, imm) => new Instruction(op, dst, src, off, imm));

    [Fact]
    public void Arbitrary_slots_round_trip()
    {
        Gen.Select(Gen.ULong.Array[1, 6], Options).Sample((raw, options) =>
        {
            var bytes = raw.SelectMany(BitConverter.GetBytes).ToArray();
            var program = Bytecode.FromBytes(bytes);
            var text = Disassembler.ToText(program, options);
            Assert.Equal(bytes, Assembler.Assemble(text).ToBytes());
        }, iter: 20_000);
    }

    [Fact]
    public void Every_valid_instruction_has_real_text_and_round_trips()
    {
        int valid = 0;
        Gen.Select(LikelyValidInstruction, Gen.Int, Options).Sample((insn, upper, options) =>
        {
            var program = PaddedProgram(insn, upper);
            if (ProgramValidator.Validate(program).Count != 0) return;
            Interlocked.Increment(ref valid);
            Instruction? next = insn.IsLddw ? new Instruction(0, 0, 0, 0, upper) : null;
            string text = Disassembler.Format(insn, next, options);
            Assert.False(text.StartsWith(".quad", StringComparison.Ordinal), $"{insn} has no instruction text: {text}");
            var expected = insn.IsLddw ? new[] { insn, next!.Value } : new[] { insn };
            Assert.Equal(new Bytecode(expected).ToBytes(), Assembler.Assemble(text).ToBytes());
        }, iter: 20_000);
        Assert.True(valid > 3_000, $"only {valid} of the generated instructions were valid; the generator needs work");
    }

    [Fact]
    public void Programs_of_likely_valid_instructions_round_trip_as_whole_texts()
    {
        Gen.Select(LikelyValidInstruction.Array[1, 12], Options).Sample((slots, options) =>
        {
            var bytes = new Bytecode(slots).ToBytes();
            var text = Disassembler.ToText(Bytecode.FromBytes(bytes), options);
            Assert.Equal(bytes, Assembler.Assemble(text).ToBytes());
        }, iter: 5_000);
    }

    // The instruction in the middle of exits, so that small jump distances land inside the program.
    private static Bytecode PaddedProgram(Instruction insn, int upper)
    {
        var slots = new List<Instruction>(Enumerable.Repeat(Exit, Padding)) { insn };
        if (insn.IsLddw) slots.Add(new Instruction(0, 0, 0, 0, upper));
        slots.AddRange(Enumerable.Repeat(Exit, Padding));
        return new Bytecode(slots);
    }

    private static bool HasValidEncoding(byte opcode)
    {
        foreach (int imm in new[] { 0, 1, 16 })
        foreach (short off in new short[] { 0, 1, 8 })
        foreach (byte src in new byte[] { 0, 1 })
        {
            if (ProgramValidator.Validate(PaddedProgram(new Instruction(opcode, 0, src, off, imm), 0)).Count == 0) return true;
        }
        return false;
    }
}
