using CsCheck;
using Ebpf.Isa;
using Ebpf.Verifier;

namespace Ebpf.Tests.Verifier;

/// <summary>
/// The abstract domain is sound: for concrete numbers inside abstract values, the concrete result of every ALU
/// operation (64- and 32-bit) lies inside the abstract result, and a branch refinement keeps every pair of numbers for
/// which the branch outcome happens.
/// </summary>
public class ScalarDomainPropertyTests
{
    private static readonly Gen<ulong> Number = Gen.OneOf(
        Gen.ULong, Gen.ULong[0, 300], Gen.Long[-300, 300].Select(v => (ulong)v),
        Gen.UInt.Select(v => (ulong)v), Gen.Int.Select(v => (ulong)(long)v),
        Gen.OneOfConst(0UL, 1UL, ulong.MaxValue, 0x7fff_ffff_ffff_ffffUL, 0x8000_0000_0000_0000UL, 0xffff_ffffUL, 0x8000_0000UL, 0x1_0000_0000UL));

    /// <summary>A concrete number and an abstract value that holds it (a constant, a range around it, or known bits).</summary>
    private static readonly Gen<(ulong Value, ScalarBounds Abstract)> Member =
        Gen.Select(Number, Gen.Int[0, 3], Gen.ULong, Gen.ULong[0, 1000], Gen.ULong[0, 1000]).Select((v, shape, mask, below, above) =>
        {
            var bounds = shape switch
            {
                0 => ScalarBounds.Constant(v),
                1 => ScalarBounds.UnsignedRange(v >= below ? v - below : 0, ulong.MaxValue - v >= above ? v + above : ulong.MaxValue),
                2 => (ScalarBounds.Unknown with { Bits = new Tnum(v & ~mask, mask) }).Sync(),
                _ => (ScalarBounds.Unknown with { SMin = (long)v - (long)Math.Min(below, (ulong)((long)v - long.MinValue >= 0 ? 1000 : 0)), SMax = (long)v }).Sync(),
            };
            return (v, bounds);
        }).Where(p => Contains(p.Item2, p.Item1));

    private static readonly AluOperation[] Operations =
    [
        AluOperation.Add, AluOperation.Sub, AluOperation.Mul, AluOperation.Div, AluOperation.Or, AluOperation.And,
        AluOperation.Lsh, AluOperation.Rsh, AluOperation.Mod, AluOperation.Xor, AluOperation.Arsh,
    ];

    private static readonly JumpOperation[] Jumps =
    [
        JumpOperation.Jeq, JumpOperation.Jne, JumpOperation.Jgt, JumpOperation.Jge, JumpOperation.Jlt, JumpOperation.Jle,
        JumpOperation.Jsgt, JumpOperation.Jsge, JumpOperation.Jslt, JumpOperation.Jsle, JumpOperation.Jset,
    ];

    [Fact]
    public void Arithmetic_results_contain_the_concrete_result()
    {
        Gen.Select(Member, Member, Gen.Int[0, Operations.Length - 1], Gen.Bool).Sample((a, b, opIndex, is32) =>
        {
            var op = Operations[opIndex];
            var result = ScalarArithmetic.Apply(op, a.Abstract, b.Abstract, is32, 0);
            ulong concrete = Concrete(op, a.Value, b.Value, is32);
            return Contains(result, concrete);
        }, iter: 200_000);
    }

    [Fact]
    public void Branch_refinement_keeps_every_pair_for_which_the_outcome_happens()
    {
        Gen.Select(Member, Member, Gen.Int[0, Jumps.Length - 1], Gen.Bool).Sample((a, b, opIndex, is32) =>
        {
            var op = Jumps[opIndex];
            bool taken = Holds(op, a.Value, b.Value, is32);
            var refined = BranchRefinement.Refine(op, is32, a.Abstract, b.Abstract, taken);
            return refined is { } r && Contains(r.A, a.Value) && Contains(r.B, b.Value);
        }, iter: 200_000);
    }

    [Fact]
    public void Sign_extension_and_byte_swaps_contain_the_concrete_result()
    {
        Gen.Select(Member, Gen.OneOfConst(8, 16, 32), Gen.Bool).Sample((a, bits, is32) =>
        {
            long extended = bits switch { 8 => (sbyte)a.Value, 16 => (short)a.Value, _ => (int)a.Value };
            ulong expected = is32 ? (uint)extended : (ulong)extended;
            return Contains(ScalarArithmetic.SignExtend(a.Abstract, bits, is32), expected);
        }, iter: 50_000);
        Gen.Select(Member, Gen.OneOfConst(16, 32, 64), Gen.Bool).Sample((a, bits, swap) =>
        {
            ulong v = a.Value;
            ulong expected = bits switch
            {
                16 => swap ? System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((ushort)v) : (ushort)v,
                32 => swap ? System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((uint)v) : (uint)v,
                _ => swap ? System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v) : v,
            };
            return Contains(ScalarArithmetic.ByteSwap(a.Abstract, bits, swap), expected);
        }, iter: 50_000);
    }

    [Fact]
    public void Known_values_fold_exactly()
    {
        Assert.Equal(ScalarBounds.Constant(12), ScalarArithmetic.Apply(AluOperation.Add, ScalarBounds.Constant(5), ScalarBounds.Constant(7), false, 0));
        Assert.Equal(ScalarBounds.Constant(0xffff_ffff), ScalarArithmetic.Apply(AluOperation.Sub, ScalarBounds.Constant(0), ScalarBounds.Constant(1), true, 0));
        var masked = ScalarArithmetic.Apply(AluOperation.And, ScalarBounds.Unknown, ScalarBounds.Constant(0xff), false, 0);
        Assert.Equal((0UL, 255UL, 0L, 255L), (masked.UMin, masked.UMax, masked.SMin, masked.SMax));
        var refined = BranchRefinement.Refine(JumpOperation.Jgt, false, ScalarBounds.Unknown, ScalarBounds.Constant(10), taken: false)!.Value.A;
        Assert.Equal((0UL, 10UL), (refined.UMin, refined.UMax));
        Assert.Null(BranchRefinement.Refine(JumpOperation.Jgt, false, ScalarBounds.UnsignedRange(0, 5), ScalarBounds.Constant(10), taken: true));
    }

    private static bool Contains(ScalarBounds s, ulong v) =>
        v >= s.UMin && v <= s.UMax && (long)v >= s.SMin && (long)v <= s.SMax
        && (uint)v >= s.U32Min && (uint)v <= s.U32Max && (int)(uint)v >= s.S32Min && (int)(uint)v <= s.S32Max && s.Bits.Contains(v);

    private static ulong Concrete(AluOperation op, ulong a, ulong b, bool is32)
    {
        if (is32) { a = (uint)a; b = (uint)b; }
        int shift = (int)(b & (is32 ? 31UL : 63UL));
        ulong r = op switch
        {
            AluOperation.Add => a + b,
            AluOperation.Sub => a - b,
            AluOperation.Mul => a * b,
            AluOperation.Div => b == 0 ? 0 : a / b,
            AluOperation.Mod => b == 0 ? a : a % b,
            AluOperation.Or => a | b,
            AluOperation.And => a & b,
            AluOperation.Xor => a ^ b,
            AluOperation.Lsh => a << shift,
            AluOperation.Rsh => a >> shift,
            _ => is32 ? (uint)((int)(uint)a >> shift) : (ulong)((long)a >> shift),
        };
        return is32 ? (uint)r : r;
    }

    private static bool Holds(JumpOperation op, ulong a, ulong b, bool is32)
    {
        if (is32)
        {
            uint ua = (uint)a, ub = (uint)b;
            int sa = (int)ua, sb = (int)ub;
            return op switch
            {
                JumpOperation.Jeq => ua == ub, JumpOperation.Jne => ua != ub, JumpOperation.Jgt => ua > ub, JumpOperation.Jge => ua >= ub,
                JumpOperation.Jlt => ua < ub, JumpOperation.Jle => ua <= ub, JumpOperation.Jsgt => sa > sb, JumpOperation.Jsge => sa >= sb,
                JumpOperation.Jslt => sa < sb, JumpOperation.Jsle => sa <= sb, _ => (ua & ub) != 0,
            };
        }
        long la = (long)a, lb = (long)b;
        return op switch
        {
            JumpOperation.Jeq => a == b, JumpOperation.Jne => a != b, JumpOperation.Jgt => a > b, JumpOperation.Jge => a >= b,
            JumpOperation.Jlt => a < b, JumpOperation.Jle => a <= b, JumpOperation.Jsgt => la > lb, JumpOperation.Jsge => la >= lb,
            JumpOperation.Jslt => la < lb, JumpOperation.Jsle => la <= lb, _ => (a & b) != 0,
        };
    }
}
