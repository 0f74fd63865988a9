using CsCheck;
using Ebpf.Isa;

namespace Ebpf.Linux.Tests.Differential;

/// <summary>
/// The frame every generated program shares. It starts by writing r0–r9 (r1 arrives as the context pointer in
/// the kernel and as the memory pointer in ours, so it is overwritten, never read), then runs its body, then
/// folds every register (and, for stack programs, every stack slot it used) into r0, so a difference anywhere
/// shows in the result.
/// </summary>
internal static class ProgramParts
{
    /// <summary>The highest stack slot a body may use; r10 - 8 belongs to the kernel oracle's harness.</summary>
    public const short FirstBodySlot = -16;

    /// <summary>The 8-byte stack slots the stack programs use: r10 - 16 down to r10 - 72.</summary>
    public static readonly short[] StackSlots = [-16, -24, -32, -40, -48, -56, -64, -72];

    /// <summary>The FNV-1 32-bit prime, the multiplier of the final fold.</summary>
    private const int FoldMultiplier = 16777619;

    /// <summary>Writes one register: <c>lddw</c> of a 64-bit value, or a sign-extending or zero-extending <c>mov</c>.</summary>
    private static Gen<Instruction[]> Initialise(byte register) =>
        from form in Gen.Int[0, 3]
        from value in Values.Register64
        from imm in Values.Immediate
        select form switch
        {
            0 or 1 => new[] { Instruction.Lddw(register, value).First, Instruction.Lddw(register, value).Second },
            2 => new[] { Emit.Mov64(register, imm) },
            _ => new[] { Emit.Alu(false, AluOperation.Mov, register, imm) },
        };

    /// <summary>Writes the given registers, in order.</summary>
    public static Gen<Instruction[]> Initialise(IEnumerable<byte> registers) =>
        registers
            .Select(Initialise)
            .Aggregate(Gen.Const(Array.Empty<Instruction>()), (all, one) => Gen.Select(all, one, (a, b) => (Instruction[])[.. a, .. b]));

    /// <summary>Writes r0–r9, in order.</summary>
    public static readonly Gen<Instruction[]> InitialiseRegisters = Initialise(AllButR10);

    private static IEnumerable<byte> AllButR10 => Enumerable.Range(0, 10).Select(r => (byte)r);

    /// <summary>
    /// <c>r0 = r0 * P ^ rN</c> for each of <paramref name="registers"/> (r1–r9 when null), then the same with each
    /// stack slot, then <c>exit</c>.
    /// </summary>
    public static Instruction[] FoldAndExit(IReadOnlyList<short> stackSlots, IEnumerable<byte>? registers = null)
    {
        var fold = new List<Instruction>();
        foreach (byte r in registers ?? AllButR10.Skip(1))
        {
            fold.Add(Emit.Alu(true, AluOperation.Mul, 0, FoldMultiplier));
            fold.Add(Emit.AluReg(true, AluOperation.Xor, 0, r));
        }
        foreach (short slot in stackSlots)
        {
            fold.Add(Emit.Load(AccessSize.DoubleWord, 1, 10, slot));
            fold.Add(Emit.Alu(true, AluOperation.Mul, 0, FoldMultiplier));
            fold.Add(Emit.AluReg(true, AluOperation.Xor, 0, 1));
        }
        fold.Add(Emit.Exit());
        return [.. fold];
    }
}
