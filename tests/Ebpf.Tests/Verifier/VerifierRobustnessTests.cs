using CsCheck;
using Ebpf.Isa;
using Ebpf.ProgramTypes;
using Ebpf.Maps;
using Ebpf.Verifier;

namespace Ebpf.Tests.Verifier;

/// <summary>Bad input gets a verdict, never a crash: random and mutated bytecode always yields a result.</summary>
public class VerifierRobustnessTests
{
    private static readonly MapSpec[] Maps =
    [
        new("hash", MapType.Hash, 4, 8, 16), new("ring", MapType.RingBuffer, 0, 0, 4096), new("array", MapType.Array, 4, 16, 1),
    ];

    /// <summary>Opcodes the generator favours, so that most programs get past the encoding checks.</summary>
    private static readonly byte[] LikelyOpcodes =
    [
        0x07, 0x0f, 0x17, 0x1f, 0x57, 0x5f, 0xb7, 0xbf, 0x04, 0x0c, 0xb4, 0xbc, 0x67, 0x77, 0xc7, 0x27, 0x37, 0x97,
        0x61, 0x69, 0x71, 0x79, 0x62, 0x6a, 0x72, 0x7a, 0x63, 0x6b, 0x73, 0x7b, 0xdb, 0xc3,
        0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x45, 0x55, 0x5d, 0x65, 0xa5, 0xb5, 0xc5, 0x16, 0x26, 0x56, 0x85, 0x95, 0x18,
    ];

    private static readonly Gen<Instruction> AnyInstruction =
        Gen.Select(Gen.Int[0, LikelyOpcodes.Length - 1], Gen.Int[0, 10], Gen.Int[0, 10], Gen.Int[-12, 12], Gen.OneOf(Gen.Int[-16, 64], Gen.Int, Gen.Int[0, 3]))
            .Select((op, dst, src, off, imm) => new Instruction(LikelyOpcodes[op], (byte)dst, (byte)src, (short)(LikelyOpcodes[op] is 0x61 or 0x69 or 0x71 or 0x79 or 0x62 or 0x6a or 0x72 or 0x7a or 0x63 or 0x6b or 0x73 or 0x7b or 0xdb or 0xc3 ? off * 4 : off), LikelyOpcodes[op] == 0x85 ? Math.Abs(imm % 200) : imm));

    [Fact]
    public void Random_programs_always_get_a_verdict()
    {
        var types = new[] { ProgramTypeId.Xdp, ProgramTypeId.SchedClassifier, ProgramTypeId.SocketFilter, ProgramTypeId.Kprobe };
        Gen.Select(AnyInstruction.Array[1, 30], Gen.Int[0, 4], Gen.Bool).Sample((slots, type, unprivileged) =>
        {
            var program = new Bytecode([.. slots, new Instruction(0x95, 0, 0, 0, 0)]);
            var options = new VerifierOptions { Unprivileged = unprivileged, InstructionBudget = 20_000, LogLevel = 2 };
            var result = type == 4 ? ProgramVerifier.VerifyRaw(program, options, Maps) : ProgramVerifier.Verify(program, types[type], Maps, options);
            Assert.True(result.Accepted || result.Reason != RejectionReason.None);
            Assert.True(result.Accepted || result.Message.Length > 0);
        }, iter: 30_000);
    }
}
