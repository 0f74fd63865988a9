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
/// r1 = *(u32 *)(r1 + 0)      ; __sk_buff.len: 50 for 64 bytes of data, 51 for 65 (the 14-byte L2 header is not counted)
/// *(u64 *)(r10 - 8) = r1     ; the slot no generated program touches
/// ...the program, its exit removed (jumps to it land on the next line)...
/// r1 = *(u64 *)(r10 - 8)
/// r1 -= 50                   ; 0 or 1
/// r1 &lt;&lt;= 5                   ; 0 or 32
/// r0 &gt;&gt;= r1
/// exit
/// </code>
/// </remarks>
internal static class KernelOracle
{
    private const int LowHalfDataLength = 64;
    private const int EthernetHeaderLength = 14;
    private const int HarnessSlot = -8;

    private static readonly byte[] LowHalfData = new byte[LowHalfDataLength];
    private static readonly byte[] HighHalfData = new byte[LowHalfDataLength + 1];

    /// <summary>Loads, runs twice, unloads; returns r0. A verifier rejection throws with the log.</summary>
    public static ulong Run(GeneratedProgram program)
    {
        using var filter = KernelSocketFilter.Load(Wrap(program.Instructions), "diff_test");
        uint low = filter.TestRun(LowHalfData).ReturnValue;
        uint high = filter.TestRun(HighHalfData).ReturnValue;
        return (ulong)high << 32 | low;
    }

    /// <summary>The program inside the harness that picks the half of r0 to return from the packet length.</summary>
    public static Bytecode Wrap(IReadOnlyList<Instruction> program)
    {
        if (program.Count == 0 || program[^1].Opcode != Opcodes.Exit)
            throw new ArgumentException("a generated program ends with its exit", nameof(program));
        for (int i = 0; i < program.Count - 1; i++)
        {
            if (program[i].Opcode == Opcodes.Exit && !(i > 0 && program[i - 1].IsLddw))
                throw new ArgumentException($"a generated program has only one exit, at the end; found another at {i}", nameof(program));
        }

        const short lowHalfLength = LowHalfDataLength - EthernetHeaderLength;
        var wrapped = new List<Instruction>(program.Count + 7)
        {
            Emit.Load(AccessSize.Word, 1, 1, 0),
            Emit.StoreReg(AccessSize.DoubleWord, 10, 1, HarnessSlot),
        };
        wrapped.AddRange(program.Take(program.Count - 1));
        wrapped.Add(Emit.Load(AccessSize.DoubleWord, 1, 10, HarnessSlot));
        wrapped.Add(Emit.Alu(true, AluOperation.Sub, 1, lowHalfLength));
        wrapped.Add(Emit.Alu(true, AluOperation.Lsh, 1, 5));
        wrapped.Add(Emit.AluReg(true, AluOperation.Rsh, 0, 1));
        wrapped.Add(Emit.Exit());
        return new Bytecode(wrapped);
    }
}
