using Ebpf.Isa;
using Ebpf.Linux.Programs;

namespace Ebpf.Linux.Tests.Differential;

/// <summary>
/// Runs a generated program in the kernel and returns its full 64-bit r0, although BPF_PROG_TEST_RUN reports only
/// the low 32 bits.
/// </summary>
/// <remarks>
/// Chosen over loading the program twice (once plain, once with <c>r0 &gt;&gt;= 32</c> before exit): the program is
/// verified once and run twice, and the shift comes from the packet length, so one loaded program answers both
/// halves. The wrapper is:
/// <code>
/// r0 = *(u32 *)(r1 + 0)      ; __sk_buff.len: 50 for 64 bytes of data, 51 for 65 (the 14-byte L2 header is not counted)
/// *(u64 *)(r10 - 8) = r0     ; the slot no generated program touches; r1 stays the context for packet loads
/// ...the program, its exit removed (jumps to it land on the next line)...
/// r1 = *(u64 *)(r10 - 8)
/// r1 -= 50                   ; 0 or 1
/// r1 &lt;&lt;= 5                   ; 0 or 32
/// r0 &gt;&gt;= r1
/// exit
/// </code>
/// The packet is <see cref="Packet"/> in both runs, plus one byte in the second; a packet load must therefore stay
/// inside the first 50 bytes or start past the 51st, or the two runs would disagree about it.
/// </remarks>
internal static class KernelOracle
{
    private const int LowHalfDataLength = 64;
    private const int EthernetHeaderLength = 14;
    private const int HarnessSlot = -8;

    private static readonly byte[] LowHalfData = Pattern(LowHalfDataLength);
    private static readonly byte[] HighHalfData = Pattern(LowHalfDataLength + 1);

    /// <summary>
    /// What legacy packet loads see in the kernel: the test data past its 14-byte Ethernet header, which a socket
    /// filter does not see. Our interpreter gets the same bytes as its memory.
    /// </summary>
    public static byte[] Packet => LowHalfData[EthernetHeaderLength..];

    /// <summary>The length of <see cref="Packet"/>.</summary>
    public const int PacketLength = LowHalfDataLength - EthernetHeaderLength;

    private static byte[] Pattern(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 37 + 11)).ToArray();

    /// <summary>Loads, runs twice, unloads; returns r0. A verifier rejection throws with the log.</summary>
    public static ulong Run(GeneratedProgram program)
    {
        using var filter = KernelTestProgram.Load(Wrap(program.Instructions), "diff_test");
        uint low = filter.TestRun(LowHalfData).ReturnValue;
        uint high = filter.TestRun(HighHalfData).ReturnValue;
        return (ulong)high << 32 | low;
    }

    /// <summary>
    /// The program inside the harness that picks the half of r0 to return from the packet length. The main function
    /// runs up to the first <c>exit</c>; what follows are subprograms, whose calls and function references (callbacks)
    /// from the main function are re-aimed past the epilogue that replaces that exit.
    /// </summary>
    public static Bytecode Wrap(IReadOnlyList<Instruction> program)
    {
        int mainExit = -1;
        for (int i = 0; i < program.Count && mainExit < 0; i++)
        {
            if (program[i].IsLddw) i++;
            else if (program[i].Opcode == Opcodes.Exit) mainExit = i;
        }
        if (mainExit < 0) throw new ArgumentException("a generated program ends its main function with an exit", nameof(program));

        const short lowHalfLength = PacketLength;
        Instruction[] epilogue =
        [
            Emit.Load(AccessSize.DoubleWord, 1, 10, HarnessSlot),
            Emit.Alu(true, AluOperation.Sub, 1, lowHalfLength),
            Emit.Alu(true, AluOperation.Lsh, 1, 5),
            Emit.AluReg(true, AluOperation.Rsh, 0, 1),
            Emit.Exit(),
        ];
        var wrapped = new List<Instruction>(program.Count + 2 + epilogue.Length)
        {
            Emit.Load(AccessSize.Word, 0, 1, 0),
            Emit.StoreReg(AccessSize.DoubleWord, 10, 0, HarnessSlot),
        };
        for (int i = 0; i < mainExit; i++)
        {
            var insn = program[i];
            bool callsPastTheExit = (IsLocalCall(insn) || IsFunctionReference(insn)) && i + 1 + insn.Immediate > mainExit;
            wrapped.Add(callsPastTheExit
                ? new Instruction(insn.Opcode, insn.Destination, insn.Source, insn.Offset, insn.Immediate + epilogue.Length - 1)
                : insn);
        }
        wrapped.AddRange(epilogue);
        wrapped.AddRange(program.Skip(mainExit + 1));
        return new Bytecode(wrapped);
    }

    private static bool IsLocalCall(Instruction insn) => insn.Opcode == Opcodes.Call && insn.Source == (byte)CallKind.Local;

    private static bool IsFunctionReference(Instruction insn) => insn.IsLddw && insn.Source == (byte)LddwSource.Function;
}
