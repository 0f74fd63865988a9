using CsCheck;
using Ebpf.Isa;

namespace Ebpf.Linux.Tests.Differential;

/// <summary>Programs that store, load and update the stack atomically between arithmetic.</summary>
internal static class StackPrograms
{
    private static readonly AccessSize[] Widths = [AccessSize.Byte, AccessSize.HalfWord, AccessSize.Word, AccessSize.DoubleWord];

    private static readonly AtomicOperation[] AtomicOperations = Enum.GetValues<AtomicOperation>();

    /// <summary>An offset from r10 aligned to <paramref name="bytes"/>, inside one of <see cref="ProgramParts.StackSlots"/>.</summary>
    private static Gen<short> AlignedOffset(int bytes) =>
        from slot in Gen.OneOfConst(ProgramParts.StackSlots)
        from index in Gen.Int[0, 8 / bytes - 1]
        select (short)(slot + index * bytes);

    private static readonly Gen<AccessSize> Width = Gen.OneOfConst(Widths);

    /// <summary>Writes every slot whole first, so no later load reads a byte the program did not write.</summary>
    public static readonly Gen<Instruction[]> InitialiseSlots =
        Gen.Select(Gen.Bool, Values.Register, Values.Immediate,
                (byRegister, src, imm) => (byRegister, src, imm))
            .Array[ProgramParts.StackSlots.Length]
            .Select(choices => choices.Select((c, i) => c.byRegister
                ? Emit.StoreReg(AccessSize.DoubleWord, 10, c.src, ProgramParts.StackSlots[i])
                : Emit.Store(AccessSize.DoubleWord, 10, ProgramParts.StackSlots[i], c.imm)).ToArray());

    /// <summary><c>*(size *)(r10 + off) = imm</c> or <c>= src</c>.</summary>
    private static readonly Gen<Instruction> StackStore =
        from size in Width
        from offset in AlignedOffset(Opcodes.Bytes(size))
        from byRegister in Gen.Bool
        from src in Values.Register
        from imm in Values.Immediate
        select byRegister ? Emit.StoreReg(size, 10, src, offset) : Emit.Store(size, 10, offset, imm);

    /// <summary><c>dst = *(size *)(r10 + off)</c>, zero-extending, or sign-extending (<c>ldsx</c>, ISA v4) for 1, 2 and 4 bytes.</summary>
    private static readonly Gen<Instruction> StackLoad =
        from size in Width
        from offset in AlignedOffset(Opcodes.Bytes(size))
        from signExtend in Gen.Bool
        from dst in Values.Register
        select Emit.Load(size, dst, 10, offset, signExtend && size != AccessSize.DoubleWord);

    /// <summary>Every atomic operation, 32 and 64-bit, on an aligned stack address; cmpxchg compares with r0.</summary>
    private static readonly Gen<Instruction> StackAtomic = Atomic(AtomicOperations);

    /// <summary>The atomic operations that only update memory: add, or, and, xor without fetch.</summary>
    private static readonly Gen<Instruction> StackAtomicWithoutFetch =
        Atomic([AtomicOperation.Add, AtomicOperation.Or, AtomicOperation.And, AtomicOperation.Xor]);

    private static Gen<Instruction> Atomic(AtomicOperation[] operations) =>
        from is64 in Gen.Bool
        from op in Gen.OneOfConst(operations)
        from offset in AlignedOffset(is64 ? 8 : 4)
        from src in Values.Register
        select Emit.Atomic(is64, op, 10, src, offset);

    /// <summary>One arithmetic, store, load or atomic instruction.</summary>
    public static readonly Gen<Instruction> Step =
        Gen.Frequency((3, AluGenerators.Any), (2, StackStore), (2, StackLoad), (3, StackAtomic));

    /// <summary>
    /// Like <see cref="Step"/> without the atomics that load into a register (fetch, xchg, cmpxchg): in branch
    /// programs Linux 6.18 gets those wrong (<see cref="KnownKernelDeviations"/>).
    /// </summary>
    public static readonly Gen<Instruction> StepWithoutFetch =
        Gen.Frequency((3, AluGenerators.Any), (2, StackStore), (2, StackLoad), (3, StackAtomicWithoutFetch));

    /// <summary>Stores, loads and atomics on the stack mixed with arithmetic; the fold reads every slot back.</summary>
    public static readonly Gen<GeneratedProgram> StackAndAtomics =
        from init in ProgramParts.InitialiseRegisters
        from slots in InitialiseSlots
        from body in Step.Array[1, 30]
        select new GeneratedProgram("stack/atomic", [.. init, .. slots, .. body, .. ProgramParts.FoldAndExit(ProgramParts.StackSlots)]);
}
