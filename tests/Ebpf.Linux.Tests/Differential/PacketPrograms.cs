using CsCheck;
using Ebpf.Isa;

namespace Ebpf.Linux.Tests.Differential;

/// <summary>
/// Programs of legacy packet loads (<c>ldabs</c>/<c>ldind</c> of 1, 2 and 4 bytes, big-endian into r0). The kernel
/// wants the context in r6 and makes r1–r5 unreadable after each load, so these programs keep r6 = r1, compute in
/// r0 and r7–r9 only, and fold just those.
/// </summary>
internal static class PacketPrograms
{
    private static readonly AccessSize[] Widths = [AccessSize.Byte, AccessSize.HalfWord, AccessSize.Word];

    private static readonly byte[] Accumulators = [7, 8, 9];

    private static readonly AluOperation[] Combine = [AluOperation.Add, AluOperation.Xor, AluOperation.Mul, AluOperation.Sub];

    /// <summary>
    /// An offset either inside the packet for the whole access, or wholly past it (the load then ends the program
    /// with r0 = 0). Never the last byte: the oracle's second run has one byte more (<see cref="KernelOracle"/>).
    /// </summary>
    private static Gen<int> Offset(int bytes, int indexMax) => Gen.Frequency(
        (9, Gen.Int[0, KernelOracle.PacketLength - bytes - indexMax]),
        (1, Gen.Int[KernelOracle.PacketLength + 1, 400]));

    /// <summary><c>r0 = ldabs[imm]</c>, then <c>rK op= r0</c>.</summary>
    private static readonly Gen<Instruction[]> Absolute =
        from size in Gen.OneOfConst(Widths)
        from offset in Offset(Opcodes.Bytes(size), 0)
        from accumulator in Gen.OneOfConst(Accumulators)
        from op in Gen.OneOfConst(Combine)
        select new[] { Emit.PacketLoad(indirect: false, size, 0, offset), Emit.AluReg(true, op, accumulator, 0) };

    /// <summary><c>w0 = wK &amp; 31; r0 = ldind[r0 + imm]</c>, then <c>rK op= r0</c>: an index from the program's own values.</summary>
    private static readonly Gen<Instruction[]> Indirect =
        from size in Gen.OneOfConst(Widths)
        from offset in Offset(Opcodes.Bytes(size), 31)
        from index in Gen.OneOfConst(Accumulators)
        from accumulator in Gen.OneOfConst(Accumulators)
        from op in Gen.OneOfConst(Combine)
        select new[]
        {
            Emit.AluReg(false, AluOperation.Mov, 0, index),
            Emit.Alu(false, AluOperation.And, 0, 31),
            Emit.PacketLoad(indirect: true, size, 0, offset),
            Emit.AluReg(true, op, accumulator, 0),
        };

    /// <summary>Packet loads between arithmetic on r7–r9.</summary>
    public static readonly Gen<GeneratedProgram> PacketLoads =
        from init in ProgramParts.Initialise([0, 7, 8, 9])
        from body in Gen.Frequency((3, Absolute), (3, Indirect)).Array[1, 20]
        select new GeneratedProgram("packet",
        [
            Emit.AluReg(true, AluOperation.Mov, 6, 1), // r6 = r1: the context the kernel's packet loads take
            .. init,
            .. body.SelectMany(step => step),
            .. ProgramParts.FoldAndExit([], Accumulators),
        ]);
}
