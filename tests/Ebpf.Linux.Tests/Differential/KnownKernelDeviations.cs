using Ebpf.Isa;

namespace Ebpf.Linux.Tests.Differential;

/// <summary>
/// Programs on which the kernel this suite was written on (Linux 6.18.44, x86-64 JIT) does not follow RFC 9669,
/// found by the differential tests and cut down by hand. Both involve an atomic operation that loads into a
/// register, in a program with branches: the verifier loses track of that register, so branch programs leave
/// those atomics out (see <see cref="StackPrograms.StepWithoutFetch"/>); straight-line programs keep them, and
/// there the kernel agrees with the RFC.
/// </summary>
internal static class KnownKernelDeviations
{
    /// <summary>
    /// A successful 32-bit <c>cmpxchg</c> must leave the old value zero-extended in r0 (RFC 9669, section 5.3).
    /// x86's cmpxchg leaves RAX alone when the compare succeeds, so the JIT relies on the verifier to insert the
    /// zero-extension, and here it does not: r0 keeps its upper 32 bits. Without the division, or without the
    /// branches, the kernel zero-extends.
    /// </summary>
    public static Instruction[] Cmpxchg32WithoutZeroExtension()
    {
        var program = new List<Instruction>();
        Emit.Lddw(program, 0, 0x0009_8743_4826_95a4);                                   // r0 = 0x98743482695a4 ll
        program.Add(Emit.Mov64(5, 7));                                                  // r5 = 7
        program.Add(Emit.Alu(false, AluOperation.Mov, 6, unchecked((int)0xfe2f_5cde))); // w6 = 0xfe2f5cde
        program.Add(Emit.StoreReg(AccessSize.DoubleWord, 10, 0, -16));                  // *(u64 *)(r10 - 16) = r0
        program.Add(Emit.Alu(false, AluOperation.Div, 6, 3));                           // w6 /= 3
        program.Add(Emit.Jump(false, JumpOperation.Jsge, 6, -2, 1));                    // if r6 s>= -2 goto +1
        program.Add(Emit.Goto(1));                                                      // goto +1
        program.Add(Emit.Atomic(false, AtomicOperation.CompareExchange, 10, 5, -16));   // w0 = cmpxchg(r10 - 16, w0, w5)
        program.Add(Emit.Exit());
        return [.. program];
    }

    /// <summary>What RFC 9669 (and our interpreter) leave in r0 after <see cref="Cmpxchg32WithoutZeroExtension"/>.</summary>
    public const ulong Cmpxchg32Expected = 0x4826_95a4;

    /// <summary>What Linux 6.18 on x86-64 leaves in r0 after <see cref="Cmpxchg32WithoutZeroExtension"/>.</summary>
    public const ulong Cmpxchg32OnLinux618 = 0x0009_8743_4826_95a4;

    /// <summary>
    /// r3 is byte 4 of the slot holding 255, so 0, and the fetch-or hands that 0 back in r0; the jump must not be
    /// taken. The kernel takes it. The verifier sees r3 as an unknown s8, splits it at the <c>goto +0</c>, and
    /// prunes the second path at the next one: the value fetched into r0 decides a branch, but that need for
    /// precision is not carried back through the atomic to the stack slot and r3, so the paths look alike. The
    /// fall-through then counts as dead code and is patched out.
    /// </summary>
    public static Instruction[] FetchedValueLosesPrecision() =>
    [
        Emit.Mov64(0, 0),                                           // r0 = 0
        Emit.Alu(false, AluOperation.Mov, 1, 224),                  // w1 = 224
        Emit.Mov64(6, 1),                                           // r6 = 1
        Emit.Store(AccessSize.DoubleWord, 10, -48, 255),            // *(u64 *)(r10 - 48) = 255
        Emit.Load(AccessSize.Byte, 3, 10, -44, signExtend: true),   // r3 = *(s8 *)(r10 - 44)
        Emit.Jump(false, JumpOperation.Jlt, 3, -11, 0),             // if r3 < -11 goto +0
        Emit.StoreReg(AccessSize.DoubleWord, 10, 3, -72),           // *(u64 *)(r10 - 72) = r3
        Emit.JumpReg(false, JumpOperation.Jsle, 1, 1, 0),           // if r1 s<= r1 goto +0
        Emit.Atomic(true, AtomicOperation.FetchOr, 10, 0, -72),     // r0 = atomic64_fetch_or(r10 - 72, r0)
        Emit.Jump(false, JumpOperation.Jne, 0, 0, 1),               // if r0 != 0 goto +1
        Emit.Mov64(6, 0),                                           // r6 = 0
        Emit.AluReg(true, AluOperation.Mov, 0, 6),                  // r0 = r6
        Emit.Exit(),
    ];

    /// <summary>What RFC 9669 (and our interpreter) return from <see cref="FetchedValueLosesPrecision"/>.</summary>
    public const ulong FetchedValueExpected = 0;

    /// <summary>What Linux 6.18 on x86-64 returns from <see cref="FetchedValueLosesPrecision"/>.</summary>
    public const ulong FetchedValueOnLinux618 = 1;
}
