using Ebpf.Isa;

namespace Ebpf.Verifier;

/// <summary>
/// What a conditional jump teaches about its two scalar operands on one outcome (the kernel's <c>reg_set_min_max</c>):
/// both operands' ranges and bits narrowed to the values for which the outcome happens, or null when it cannot.
/// </summary>
internal static class BranchRefinement
{
    /// <summary>Refines <paramref name="a"/> (dst) and <paramref name="b"/> (src) for the outcome <paramref name="taken"/>.</summary>
    public static (ScalarBounds A, ScalarBounds B)? Refine(JumpOperation op, bool is32, ScalarBounds a, ScalarBounds b, bool taken)
    {
        var condition = taken ? op : Negate(op);
        var (ra, rb) = is32 ? Refine32(condition, a, b) : Refine64(condition, a, b);
        ra = ra.Sync();
        rb = rb.Sync();
        if (ra.IsEmpty || rb.IsEmpty) return null;
        return (ra, rb);
    }

    /// <summary>The condition that holds when the jump is not taken.</summary>
    private static JumpOperation Negate(JumpOperation op) => op switch
    {
        JumpOperation.Jeq => JumpOperation.Jne,
        JumpOperation.Jne => JumpOperation.Jeq,
        JumpOperation.Jgt => JumpOperation.Jle,
        JumpOperation.Jle => JumpOperation.Jgt,
        JumpOperation.Jge => JumpOperation.Jlt,
        JumpOperation.Jlt => JumpOperation.Jge,
        JumpOperation.Jsgt => JumpOperation.Jsle,
        JumpOperation.Jsle => JumpOperation.Jsgt,
        JumpOperation.Jsge => JumpOperation.Jslt,
        JumpOperation.Jslt => JumpOperation.Jsge,
        JumpOperation.Jset => (JumpOperation)0xff,
        _ => op,
    };

    private const JumpOperation NotSet = (JumpOperation)0xff;

    private static (ScalarBounds, ScalarBounds) Refine64(JumpOperation c, ScalarBounds a, ScalarBounds b)
    {
        switch (c)
        {
            case JumpOperation.Jeq:
            {
                var both = a with
                {
                    Bits = a.Bits.Intersect(b.Bits),
                    UMin = Math.Max(a.UMin, b.UMin), UMax = Math.Min(a.UMax, b.UMax),
                    SMin = Math.Max(a.SMin, b.SMin), SMax = Math.Min(a.SMax, b.SMax),
                    U32Min = Math.Max(a.U32Min, b.U32Min), U32Max = Math.Min(a.U32Max, b.U32Max),
                    S32Min = Math.Max(a.S32Min, b.S32Min), S32Max = Math.Min(a.S32Max, b.S32Max),
                };
                if (((a.Bits.Value ^ b.Bits.Value) & ~(a.Bits.Mask | b.Bits.Mask)) != 0) both = both with { UMin = 1, UMax = 0 };
                return (both, both);
            }
            case JumpOperation.Jne:
                return (ExcludeConstant64(a, b), ExcludeConstant64(b, a));
            case JumpOperation.Jgt: // a > b
                if (b.UMin == ulong.MaxValue || a.UMax == 0) return (Empty(a), b);
                return (a with { UMin = Math.Max(a.UMin, b.UMin + 1) }, b with { UMax = Math.Min(b.UMax, a.UMax - 1) });
            case JumpOperation.Jge:
                return (a with { UMin = Math.Max(a.UMin, b.UMin) }, b with { UMax = Math.Min(b.UMax, a.UMax) });
            case JumpOperation.Jlt: // a < b
            {
                var (rb, ra) = Refine64(JumpOperation.Jgt, b, a);
                return (ra, rb);
            }
            case JumpOperation.Jle:
            {
                var (rb, ra) = Refine64(JumpOperation.Jge, b, a);
                return (ra, rb);
            }
            case JumpOperation.Jsgt:
                if (b.SMin == long.MaxValue || a.SMax == long.MinValue) return (Empty(a), b);
                return (a with { SMin = Math.Max(a.SMin, b.SMin + 1) }, b with { SMax = Math.Min(b.SMax, a.SMax - 1) });
            case JumpOperation.Jsge:
                return (a with { SMin = Math.Max(a.SMin, b.SMin) }, b with { SMax = Math.Min(b.SMax, a.SMax) });
            case JumpOperation.Jslt:
            {
                var (rb, ra) = Refine64(JumpOperation.Jsgt, b, a);
                return (ra, rb);
            }
            case JumpOperation.Jsle:
            {
                var (rb, ra) = Refine64(JumpOperation.Jsge, b, a);
                return (ra, rb);
            }
            case JumpOperation.Jset:
                if (b.IsConstant && (a.Bits.Value & b.ConstantValue) == 0 && (a.Bits.Mask & b.ConstantValue) == 0) return (Empty(a), b);
                return (a, b);
            case NotSet:
                if (b.IsConstant) return (a with { Bits = a.Bits & Tnum.Constant(~b.ConstantValue) }, b);
                return (a, b);
            default:
                return (a, b);
        }
    }

    private static (ScalarBounds, ScalarBounds) Refine32(JumpOperation c, ScalarBounds a, ScalarBounds b)
    {
        switch (c)
        {
            case JumpOperation.Jeq:
            {
                var sub = a.Bits.Subreg.Intersect(b.Bits.Subreg);
                var ra = a with { Bits = a.Bits.WithSubreg(sub), U32Min = Math.Max(a.U32Min, b.U32Min), U32Max = Math.Min(a.U32Max, b.U32Max),
                    S32Min = Math.Max(a.S32Min, b.S32Min), S32Max = Math.Min(a.S32Max, b.S32Max) };
                var rb = b with { Bits = b.Bits.WithSubreg(sub), U32Min = ra.U32Min, U32Max = ra.U32Max, S32Min = ra.S32Min, S32Max = ra.S32Max };
                if (((a.Bits.Value ^ b.Bits.Value) & ~(a.Bits.Mask | b.Bits.Mask) & uint.MaxValue) != 0) ra = Empty(ra);
                return (ra, rb);
            }
            case JumpOperation.Jne:
                if (b.Bits.Subreg.IsConstant)
                {
                    uint v = (uint)b.Bits.Value;
                    if (a.U32Min == v && a.U32Max == v) return (Empty(a), b);
                    if (a.U32Min == v) a = a with { U32Min = v + 1 };
                    else if (a.U32Max == v) a = a with { U32Max = v - 1 };
                }
                return (a, b);
            case JumpOperation.Jgt:
                if (b.U32Min == uint.MaxValue || a.U32Max == 0) return (Empty(a), b);
                return (a with { U32Min = Math.Max(a.U32Min, b.U32Min + 1) }, b with { U32Max = Math.Min(b.U32Max, a.U32Max - 1) });
            case JumpOperation.Jge:
                return (a with { U32Min = Math.Max(a.U32Min, b.U32Min) }, b with { U32Max = Math.Min(b.U32Max, a.U32Max) });
            case JumpOperation.Jlt:
            {
                var (rb, ra) = Refine32(JumpOperation.Jgt, b, a);
                return (ra, rb);
            }
            case JumpOperation.Jle:
            {
                var (rb, ra) = Refine32(JumpOperation.Jge, b, a);
                return (ra, rb);
            }
            case JumpOperation.Jsgt:
                if (b.S32Min == int.MaxValue || a.S32Max == int.MinValue) return (Empty(a), b);
                return (a with { S32Min = Math.Max(a.S32Min, b.S32Min + 1) }, b with { S32Max = Math.Min(b.S32Max, a.S32Max - 1) });
            case JumpOperation.Jsge:
                return (a with { S32Min = Math.Max(a.S32Min, b.S32Min) }, b with { S32Max = Math.Min(b.S32Max, a.S32Max) });
            case JumpOperation.Jslt:
            {
                var (rb, ra) = Refine32(JumpOperation.Jsgt, b, a);
                return (ra, rb);
            }
            case JumpOperation.Jsle:
            {
                var (rb, ra) = Refine32(JumpOperation.Jsge, b, a);
                return (ra, rb);
            }
            case JumpOperation.Jset:
                if (b.Bits.Subreg.IsConstant && (a.Bits.Value & b.Bits.Value & uint.MaxValue) == 0 && (a.Bits.Mask & b.Bits.Value & uint.MaxValue) == 0)
                    return (Empty(a), b);
                return (a, b);
            case NotSet:
                if (b.Bits.Subreg.IsConstant) return (a with { Bits = a.Bits & new Tnum(~(b.Bits.Value & uint.MaxValue) & ulong.MaxValue, 0) }, b);
                return (a, b);
            default:
                return (a, b);
        }
    }

    private static ScalarBounds Empty(ScalarBounds a) => a with { UMin = 1, UMax = 0 };

    /// <summary>a != b with b a constant at an end of a's range: shrink the range (kernel 6.x does the same).</summary>
    private static ScalarBounds ExcludeConstant64(ScalarBounds a, ScalarBounds b)
    {
        if (!b.IsConstant) return a;
        ulong v = b.ConstantValue;
        if (a.IsConstant && a.ConstantValue == v) return Empty(a);
        if (a.UMin == v) a = a with { UMin = v + 1 };
        else if (a.UMax == v) a = a with { UMax = v - 1 };
        if (a.SMin == (long)v) a = a with { SMin = (long)v + 1 };
        else if (a.SMax == (long)v) a = a with { SMax = (long)v - 1 };
        return a;
    }
}
