using Ebpf.Isa;

namespace Ebpf.Verifier;

/// <summary>
/// Bound propagation through arithmetic, as the kernel's <c>adjust_scalar_min_max_vals</c>: each operation computes
/// the result's bits and ranges from its operands', never claiming more than every concrete result satisfies.
/// 32-bit operations work on the low halves and zero-extend.
/// </summary>
internal static class ScalarArithmetic
{
    public static ScalarBounds Apply(AluOperation operation, ScalarBounds a, ScalarBounds b, bool is32, short offset)
    {
        if (is32)
        {
            var low = Apply64(operation, a.Low32AsScalar(), b.Low32AsScalar(), is32: true, offset);
            return low.WrapTo32();
        }
        return Apply64(operation, a, b, is32: false, offset);
    }

    private static ScalarBounds Apply64(AluOperation operation, ScalarBounds a, ScalarBounds b, bool is32, short offset)
    {
        if (a.IsConstant && b.IsConstant && Fold(operation, a.ConstantValue, b.ConstantValue, is32, offset) is ulong folded)
            return ScalarBounds.Constant(folded);
        int width = is32 ? 32 : 64;
        return operation switch
        {
            AluOperation.Add => Add(a, b),
            AluOperation.Sub => Sub(a, b),
            AluOperation.Mul => Mul(a, b),
            AluOperation.And => And(a, b),
            AluOperation.Or => Or(a, b),
            AluOperation.Xor => Xor(a, b),
            AluOperation.Lsh => b.IsConstant && b.ConstantValue < (ulong)width ? ShiftLeft(a, (int)b.ConstantValue) : Unknown(is32),
            AluOperation.Rsh => b.IsConstant && b.ConstantValue < (ulong)width ? ShiftRight(a, (int)b.ConstantValue) : Unknown(is32),
            AluOperation.Arsh => b.IsConstant && b.ConstantValue < (ulong)width ? ArithmeticShiftRight(a, (int)b.ConstantValue, is32) : Unknown(is32),
            AluOperation.Div when offset == 0 && b.IsConstant && b.ConstantValue != 0 =>
                ScalarBounds.UnsignedRange(a.UMin / b.ConstantValue, a.UMax / b.ConstantValue),
            AluOperation.Mod when offset == 0 && b.IsConstant && b.ConstantValue != 0 =>
                ScalarBounds.UnsignedRange(0, Math.Min(a.UMax, b.ConstantValue - 1)),
            _ => Unknown(is32),
        };
    }

    private static ScalarBounds Unknown(bool is32) => is32 ? ScalarBounds.UnsignedRange(0, uint.MaxValue) : ScalarBounds.Unknown;

    /// <summary>Folds an operation on two constants with the runtime's semantics (division by zero gives 0, modulo by zero keeps the dividend).</summary>
    private static ulong? Fold(AluOperation operation, ulong a, ulong b, bool is32, short offset)
    {
        if (is32) { a = (uint)a; b = (uint)b; }
        int shiftMask = is32 ? 31 : 63;
        ulong result;
        switch (operation)
        {
            case AluOperation.Add: result = a + b; break;
            case AluOperation.Sub: result = a - b; break;
            case AluOperation.Mul: result = a * b; break;
            case AluOperation.And: result = a & b; break;
            case AluOperation.Or: result = a | b; break;
            case AluOperation.Xor: result = a ^ b; break;
            case AluOperation.Lsh: result = a << (int)(b & (ulong)shiftMask); break;
            case AluOperation.Rsh: result = a >> (int)(b & (ulong)shiftMask); break;
            case AluOperation.Arsh:
                result = is32 ? (uint)((int)(uint)a >> (int)(b & 31)) : (ulong)((long)a >> (int)(b & 63));
                break;
            case AluOperation.Div when offset == 0: result = b == 0 ? 0 : a / b; break;
            case AluOperation.Mod when offset == 0: result = b == 0 ? a : a % b; break;
            default: return null;
        }
        return is32 ? (uint)result : result;
    }

    private static ScalarBounds Add(ScalarBounds a, ScalarBounds b)
    {
        var r = ScalarBounds.Unknown with { Bits = a.Bits + b.Bits };
        long smin = a.SMin + b.SMin, smax = a.SMax + b.SMax;
        bool signedOverflow = (b.SMin < 0 ? smin > a.SMin : smin < a.SMin) || (b.SMax < 0 ? smax > a.SMax : smax < a.SMax);
        if (!signedOverflow) r = r with { SMin = smin, SMax = smax };
        ulong umin = a.UMin + b.UMin, umax = a.UMax + b.UMax;
        if (umin >= a.UMin && umax >= a.UMax) r = r with { UMin = umin, UMax = umax };
        return r.Sync();
    }

    private static ScalarBounds Sub(ScalarBounds a, ScalarBounds b)
    {
        var r = ScalarBounds.Unknown with { Bits = a.Bits - b.Bits };
        long smin = a.SMin - b.SMax, smax = a.SMax - b.SMin;
        bool signedOverflow = (b.SMax < 0 ? smin < a.SMin : smin > a.SMin) || (b.SMin < 0 ? smax < a.SMax : smax > a.SMax);
        if (!signedOverflow) r = r with { SMin = smin, SMax = smax };
        if (a.UMin >= b.UMax) r = r with { UMin = a.UMin - b.UMax, UMax = a.UMax - b.UMin };
        return r.Sync();
    }

    private static ScalarBounds Mul(ScalarBounds a, ScalarBounds b)
    {
        var r = ScalarBounds.Unknown with { Bits = a.Bits * b.Bits };
        if (a.UMax <= uint.MaxValue && b.UMax <= uint.MaxValue)
            r = r with { UMin = a.UMin * b.UMin, UMax = a.UMax * b.UMax };
        return r.Sync();
    }

    private static ScalarBounds And(ScalarBounds a, ScalarBounds b)
    {
        var bits = a.Bits & b.Bits;
        var r = ScalarBounds.Unknown with { Bits = bits, UMin = bits.Min, UMax = Math.Min(a.UMax, b.UMax) };
        if (a.SMin >= 0 || b.SMin >= 0) r = r with { SMin = 0, SMax = (long)Math.Min(r.UMax, long.MaxValue) };
        return r.Sync();
    }

    private static ScalarBounds Or(ScalarBounds a, ScalarBounds b)
    {
        var bits = a.Bits | b.Bits;
        var r = ScalarBounds.Unknown with { Bits = bits, UMin = Math.Max(a.UMin, b.UMin), UMax = bits.Max };
        return r.Sync();
    }

    private static ScalarBounds Xor(ScalarBounds a, ScalarBounds b)
    {
        var bits = a.Bits ^ b.Bits;
        return (ScalarBounds.Unknown with { Bits = bits, UMin = bits.Min, UMax = bits.Max }).Sync();
    }

    private static ScalarBounds ShiftLeft(ScalarBounds a, int shift)
    {
        var r = ScalarBounds.Unknown with { Bits = a.Bits.ShiftLeft(shift) };
        if (shift == 0 || a.UMax >> (64 - shift) == 0) r = r with { UMin = a.UMin << shift, UMax = a.UMax << shift };
        return r.Sync();
    }

    private static ScalarBounds ShiftRight(ScalarBounds a, int shift)
    {
        return (ScalarBounds.Unknown with { Bits = a.Bits.ShiftRight(shift), UMin = a.UMin >> shift, UMax = a.UMax >> shift }).Sync();
    }

    private static ScalarBounds ArithmeticShiftRight(ScalarBounds a, int shift, bool is32)
    {
        if (is32)
        {
            // On the zero-extended low half: shift the signed 32-bit range, then zero-extend.
            var bits = a.Bits.ArithmeticShiftRight(shift, is32: true);
            var r32 = ScalarBounds.Unknown with
            {
                Bits = bits, S32Min = a.S32Min >> shift, S32Max = a.S32Max >> shift, UMin = 0, UMax = uint.MaxValue,
            };
            return r32.Sync();
        }
        return (ScalarBounds.Unknown with { Bits = a.Bits.ArithmeticShiftRight(shift, false), SMin = a.SMin >> shift, SMax = a.SMax >> shift }).Sync();
    }

    /// <summary>A sign-extending move of the low <paramref name="bits"/> bits (movsx), into 64 or 32 bits.</summary>
    public static ScalarBounds SignExtend(ScalarBounds a, int bits, bool is32)
    {
        if (a.IsConstant)
        {
            long value = bits switch { 8 => (sbyte)a.ConstantValue, 16 => (short)a.ConstantValue, _ => (int)a.ConstantValue };
            return is32 ? ScalarBounds.Constant((uint)value) : ScalarBounds.Constant((ulong)value);
        }
        ulong positiveLimit = (1UL << (bits - 1)) - 1;
        if (a.UMax <= positiveLimit) return is32 ? a.ZeroExtend32() : a;
        long min = -(1L << (bits - 1)), max = (long)positiveLimit;
        var wide = (ScalarBounds.Unknown with { SMin = min, SMax = max }).Sync();
        return is32 ? wide.WrapTo32() : wide;
    }

    /// <summary>A byte swap (<c>be16</c>, <c>le32</c>, <c>bswap64</c>, …) to <paramref name="bits"/> bits.</summary>
    public static ScalarBounds ByteSwap(ScalarBounds a, int bits, bool swap)
    {
        if (!swap) return a.Truncate(bits / 8);
        if (a.IsConstant)
        {
            ulong v = a.ConstantValue;
            ulong swapped = bits switch
            {
                16 => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((ushort)v),
                32 => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((uint)v),
                _ => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v),
            };
            return ScalarBounds.Constant(swapped);
        }
        return bits == 64 ? ScalarBounds.Unknown : ScalarBounds.UnsignedRange(0, (1UL << bits) - 1);
    }
}
