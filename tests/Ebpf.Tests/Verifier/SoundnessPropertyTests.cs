using CsCheck;
using Ebpf.Isa;
using Ebpf.Runtime;
using Ebpf.Verifier;
using Xunit.Abstractions;

namespace Ebpf.Tests.Verifier;

/// <summary>
/// Soundness: generated programs of the raw type (r1 = a memory block, r2 = its length) that the verifier accepts never
/// trip a runtime check when run in checked mode on both engines over blocks of many lengths — the verifier's proof is
/// what lets verified programs run unchecked.
/// </summary>
public class SoundnessPropertyTests(ITestOutputHelper output)
{
    /// <summary>The full budget: pruning is bounded as the kernel's, so even loops that never converge end in seconds (<see cref="PruningBoundTests"/>).</summary>
    private static readonly VerifierOptions Budgeted = new();

    private static readonly int[] MemoryLengths = [0, 1, 3, 7, 8, 13, 20, 33, 64];

    [Fact]
    public void Accepted_generated_programs_never_fault_in_checked_mode()
    {
        int accepted = 0, generated = 0;
        Gen.Int.Sample(seed =>
        {
            var program = Generate(new Random(seed));
            generated++;
            var verdict = ProgramVerifier.VerifyRaw(program, Budgeted);
            if (!verdict.Accepted) return;
            accepted++;
            RunEverywhere(program, seed);
        }, iter: 3000, threads: 1);
        output.WriteLine($"{accepted} of {generated} generated programs accepted; none faulted");
        Assert.True(accepted >= generated / 20, $"only {accepted} of {generated} generated programs were accepted: the generator no longer exercises the verifier");
    }

    [Fact]
    public void Mutated_accepted_programs_never_fault_when_still_accepted()
    {
        int accepted = 0;
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var program = Generate(random);
            if (!ProgramVerifier.VerifyRaw(program, Budgeted).Accepted) return;
            // Mutate one field of one instruction: offsets, immediates and registers are where safety lives.
            var slots = program.Slots.ToArray();
            int index = random.Next(slots.Length - 1);
            var s = slots[index];
            if (s.IsLddw) return;
            slots[index] = random.Next(3) switch
            {
                0 => new Instruction(s.Opcode, s.Destination, s.Source, (short)(s.Offset + random.Next(-9, 10)), s.Immediate),
                1 => new Instruction(s.Opcode, s.Destination, s.Source, s.Offset, s.Immediate + random.Next(-9, 10)),
                _ => new Instruction(s.Opcode, (byte)random.Next(6), s.Class is InstructionClass.Alu or InstructionClass.Alu64 or InstructionClass.Jmp ? s.Source : (byte)random.Next(6), s.Offset, s.Immediate),
            };
            Bytecode mutated;
            try { mutated = new Bytecode(slots); } catch (ArgumentException) { return; }
            if (!ProgramVerifier.VerifyRaw(mutated, Budgeted).Accepted) return;
            accepted++;
            RunEverywhere(mutated, seed);
        }, iter: 3000, threads: 1);
        output.WriteLine($"{accepted} mutated programs accepted; none faulted");
    }

    private static void RunEverywhere(Bytecode program, int seed)
    {
        var random = new Random(seed);
        foreach (var engine in new[] { ExecutionEngine.Interpreter, ExecutionEngine.Jit })
        {
            var prepared = ExecutionEngines.Prepare(engine, program, new ExecutionOptions { MemoryChecks = MemoryChecks.Checked });
            foreach (int length in MemoryLengths)
            {
                var memory = new byte[length];
                random.NextBytes(memory);
                try
                {
                    prepared.Run(memory);
                }
                catch (ProgramFaultException e)
                {
                    Assert.Fail($"the verifier accepted a program that faults on {engine} with {length} bytes: {e.Fault}\n{Ebpf.Isa.Text.Disassembler.ToText(program)}");
                }
            }
        }
    }

    /// <summary>A loop-free program over r1 (memory), r2 (length), r0 and r3-r5, with stack and memory accesses and length checks.</summary>
    private static Bytecode Generate(Random random)
    {
        var list = new List<(Instruction Insn, bool IsJump)>
        {
            (Mov(0, 0), false), (Mov(3, 0), false), (Mov(4, random.Next(-4, 40)), false), (Mov(5, random.Next(0, 16)), false),
        };
        int count = random.Next(4, 24);
        byte[] general = [0, 3, 4, 5];
        byte Pick() => general[random.Next(general.Length)];
        (AccessSize Size, int Bytes) AnySize() => random.Next(4) switch
        {
            0 => (AccessSize.Byte, 1), 1 => (AccessSize.HalfWord, 2), 2 => (AccessSize.Word, 4), _ => (AccessSize.DoubleWord, 8),
        };
        for (int i = 0; i < count; i++)
        {
            var (size, _) = AnySize();
            switch (random.Next(13))
            {
                case 0:
                    list.Add((Mov(Pick(), random.Next(-8, 64)), false));
                    break;
                case 1:
                {
                    var op = new[] { AluOperation.Add, AluOperation.Sub, AluOperation.And, AluOperation.Or, AluOperation.Xor, AluOperation.Lsh, AluOperation.Rsh, AluOperation.Mul }[random.Next(8)];
                    int imm = op is AluOperation.Lsh or AluOperation.Rsh ? random.Next(0, 64) : random.Next(-16, 64);
                    bool is32 = random.Next(3) == 0;
                    if (is32 && op is AluOperation.Lsh or AluOperation.Rsh) imm &= 31;
                    list.Add((new Instruction((byte)((byte)(is32 ? InstructionClass.Alu : InstructionClass.Alu64) | (byte)op), Pick(), 0, 0, imm), false));
                    break;
                }
                case 2:
                {
                    var op = new[] { AluOperation.Add, AluOperation.Sub, AluOperation.And, AluOperation.Or, AluOperation.Mov }[random.Next(5)];
                    list.Add((new Instruction((byte)((byte)InstructionClass.Alu64 | (byte)op | (byte)OperandSource.Register), Pick(), Pick(), 0, 0), false));
                    break;
                }
                case 3:
                    list.Add((Store(10, (short)(-8 * random.Next(1, 8) + (random.Next(6) == 0 ? random.Next(-3, 4) : 0)), size, Pick()), false));
                    break;
                case 4:
                    list.Add((Load(Pick(), 10, (short)(-8 * random.Next(1, 8) + (random.Next(6) == 0 ? random.Next(-3, 4) : 0)), size), false));
                    break;
                case 5:
                case 6:
                    // A length check: if r2 < K skip ahead (the fall-through knows the memory has at least K bytes).
                    list.Add((new Instruction((byte)((byte)InstructionClass.Jmp | (byte)(random.Next(4) == 0 ? JumpOperation.Jle : JumpOperation.Jlt)), 2, 0, 0, random.Next(0, 40)), true));
                    break;
                case 7:
                    list.Add((Load(Pick(), 1, (short)random.Next(-2, 36), size), false));
                    break;
                case 8:
                    list.Add((Store(1, (short)random.Next(-2, 36), size, Pick()), false));
                    break;
                case 9:
                    // A pointer into the memory with a variable part: r3 = r1 + (r5 & mask).
                    list.Add((new Instruction((byte)((byte)InstructionClass.Alu64 | (byte)AluOperation.And), 5, 0, 0, (1 << random.Next(0, 5)) - 1), false));
                    list.Add((new Instruction((byte)((byte)InstructionClass.Alu64 | (byte)AluOperation.Mov | (byte)OperandSource.Register), 3, 1, 0, 0), false));
                    list.Add((new Instruction((byte)((byte)InstructionClass.Alu64 | (byte)AluOperation.Add | (byte)OperandSource.Register), 3, 5, 0, 0), false));
                    break;
                case 10:
                    if (random.Next(2) == 0)
                    {
                        list.Add((Load(Pick(), 3, (short)random.Next(-1, 20), size), false));
                        break;
                    }
                    // An end-pointer check: r4 = r1 + r2 (the end), r3 = r1 + K, if r3 > r4 skip ahead.
                    list.Add((new Instruction((byte)((byte)InstructionClass.Alu64 | (byte)AluOperation.Mov | (byte)OperandSource.Register), 4, 1, 0, 0), false));
                    list.Add((new Instruction((byte)((byte)InstructionClass.Alu64 | (byte)AluOperation.Add | (byte)OperandSource.Register), 4, 2, 0, 0), false));
                    list.Add((new Instruction((byte)((byte)InstructionClass.Alu64 | (byte)AluOperation.Mov | (byte)OperandSource.Register), 3, 1, 0, 0), false));
                    list.Add((new Instruction((byte)((byte)InstructionClass.Alu64 | (byte)AluOperation.Add), 3, 0, 0, random.Next(0, 40)), false));
                    list.Add((new Instruction((byte)((byte)InstructionClass.Jmp | (byte)(random.Next(2) == 0 ? JumpOperation.Jgt : JumpOperation.Jge) | (byte)OperandSource.Register), 3, 4, 0, 0), true));
                    break;
                case 11:
                    list.Add((new Instruction((byte)((byte)InstructionClass.Jmp | (byte)new[] { JumpOperation.Jgt, JumpOperation.Jeq, JumpOperation.Jsgt, JumpOperation.Jset }[random.Next(4)]), Pick(), 0, 0, random.Next(-4, 40)), true));
                    break;
                default:
                    list.Add((new Instruction((byte)((byte)InstructionClass.Jmp32 | (byte)new[] { JumpOperation.Jgt, JumpOperation.Jlt, JumpOperation.Jne }[random.Next(3)]), Pick(), 0, 0, random.Next(0, 40)), true));
                    break;
            }
        }
        list.Add((Mov(0, 0), false));
        list.Add((new Instruction(Opcodes.Exit, 0, 0, 0, 0), false));
        int last = list.Count - 1;
        var slots = new Instruction[list.Count];
        for (int i = 0; i < list.Count; i++)
        {
            var (insn, isJump) = list[i];
            if (isJump)
            {
                int target = random.Next(i + 1, last + 1);
                insn = new Instruction(insn.Opcode, insn.Destination, insn.Source, (short)(target - i - 1), insn.Immediate);
            }
            slots[i] = insn;
        }
        return new Bytecode(slots);
    }

    private static Instruction Mov(byte register, int value) =>
        new((byte)((byte)InstructionClass.Alu64 | (byte)AluOperation.Mov), register, 0, 0, value);

    private static Instruction Load(byte destination, byte source, short offset, AccessSize size) =>
        new((byte)((byte)InstructionClass.Ldx | (byte)AccessMode.Memory | (byte)size), destination, source, offset, 0);

    private static Instruction Store(byte destination, short offset, AccessSize size, byte source) =>
        new((byte)((byte)InstructionClass.Stx | (byte)AccessMode.Memory | (byte)size), destination, source, offset, 0);
}
