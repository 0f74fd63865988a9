using System.Numerics;

namespace Ebpf.Verifier;

/// <summary>
/// A tristate number, as the kernel's verifier tracks bits (kernel/bpf/tnum.c): every bit is known 0, known 1 or
/// unknown. <see cref="Value"/> holds the known ones, <see cref="Mask"/> the unknown bits; no bit is set in both.
/// </summary>
/// <param name="Value">The bits known to be 1.</param>
/// <param name="Mask">The bits that are unknown.</param>
public readonly record struct Tnum(ulong Value, ulong Mask)
{
    /// <summary>Every bit unknown.</summary>
    public static Tnum Unknown => new(0, ulong.MaxValue);

    /// <summary>A known constant.</summary>
    public static Tnum Constant(ulong value) => new(value, 0);

    /// <summary>Whether every bit is known.</summary>
    public bool IsConstant => Mask == 0;

    /// <summary>The smallest tnum holding every number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Tnum Range(ulong min, ulong max)
    {
        ulong chi = min ^ max;
        int bits = chi == 0 ? 0 : 64 - BitOperations.LeadingZeroCount(chi);
        if (bits > 63) return Unknown;
        ulong delta = (1UL << bits) - 1;
        return new Tnum(min & ~delta, delta);
    }

    /// <summary>Shift left by a known amount.</summary>
    public Tnum ShiftLeft(int shift) => new(Value << shift, Mask << shift);

    /// <summary>Logical shift right by a known amount.</summary>
    public Tnum ShiftRight(int shift) => new(Value >> shift, Mask >> shift);

    /// <summary>Arithmetic shift right by a known amount, in 64 or 32 bits.</summary>
    public Tnum ArithmeticShiftRight(int shift, bool is32)
    {
        if (is32) return new((ulong)(uint)((int)(uint)Value >> shift), (ulong)(uint)((int)(uint)Mask >> shift));
        return new((ulong)((long)Value >> shift), (ulong)((long)Mask >> shift));
    }

    /// <summary>Addition.</summary>
    public static Tnum operator +(Tnum a, Tnum b)
    {
        ulong sm = a.Mask + b.Mask, sv = a.Value + b.Value, sigma = sm + sv, chi = sigma ^ sv;
        ulong mu = chi | a.Mask | b.Mask;
        return new(sv & ~mu, mu);
    }

    /// <summary>Subtraction.</summary>
    public static Tnum operator -(Tnum a, Tnum b)
    {
        ulong dv = a.Value - b.Value, alpha = dv + a.Mask, beta = dv - b.Mask, chi = alpha ^ beta;
        ulong mu = chi | a.Mask | b.Mask;
        return new(dv & ~mu, mu);
    }

    /// <summary>Bitwise and.</summary>
    public static Tnum operator &(Tnum a, Tnum b)
    {
        ulong alpha = a.Value | a.Mask, beta = b.Value | b.Mask, v = a.Value & b.Value;
        return new(v, alpha & beta & ~v);
    }

    /// <summary>Bitwise or.</summary>
    public static Tnum operator |(Tnum a, Tnum b)
    {
        ulong v = a.Value | b.Value, mu = a.Mask | b.Mask;
        return new(v, mu & ~v);
    }

    /// <summary>Bitwise exclusive or.</summary>
    public static Tnum operator ^(Tnum a, Tnum b)
    {
        ulong v = a.Value ^ b.Value, mu = a.Mask | b.Mask;
        return new(v & ~mu, mu);
    }

    /// <summary>Multiplication (the kernel's half-multiply algorithm).</summary>
    public static Tnum operator *(Tnum a, Tnum b)
    {
        ulong accV = a.Value * b.Value;
        var accM = new Tnum(0, 0);
        while (a.Value != 0 || a.Mask != 0)
        {
            if ((a.Value & 1) != 0) accM = accM + new Tnum(0, b.Mask);
            else if ((a.Mask & 1) != 0) accM = accM + new Tnum(0, b.Value | b.Mask);
            a = a.ShiftRight(1);
            b = b.ShiftLeft(1);
        }
        return new Tnum(accV, 0) + accM;
    }

    /// <summary>The numbers both tnums may hold (assumes they agree on their known bits).</summary>
    public Tnum Intersect(Tnum other)
    {
        ulong v = Value | other.Value, mu = Mask & other.Mask;
        return new(v & ~mu, mu);
    }

    /// <summary>The low 32 bits, upper bits known zero.</summary>
    public Tnum Subreg => new(Value & uint.MaxValue, Mask & uint.MaxValue);

    /// <summary>Keeps the upper 32 bits and replaces the low 32 with those of <paramref name="low"/>.</summary>
    public Tnum WithSubreg(Tnum low) => new((Value & ~(ulong)uint.MaxValue) | (low.Value & uint.MaxValue),
        (Mask & ~(ulong)uint.MaxValue) | (low.Mask & uint.MaxValue));

    /// <summary>Truncates to the low <paramref name="bytes"/> bytes.</summary>
    public Tnum Cast(int bytes)
    {
        if (bytes >= 8) return this;
        ulong keep = (1UL << (bytes * 8)) - 1;
        return new(Value & keep, Mask & keep);
    }

    /// <summary>Whether every number <paramref name="inner"/> may hold is one this may hold.</summary>
    public bool Includes(Tnum inner)
    {
        if ((inner.Mask & ~Mask) != 0) return false;
        return (inner.Value & ~Mask) == Value;
    }

    /// <summary>Whether <paramref name="number"/> is one of the values.</summary>
    public bool Contains(ulong number) => (number & ~Mask) == Value;

    /// <summary>The smallest unsigned value.</summary>
    public ulong Min => Value;

    /// <summary>The largest unsigned value.</summary>
    public ulong Max => Value | Mask;

    /// <inheritdoc />
    public override string ToString() => IsConstant ? $"{Value}" : $"(0x{Value:x}; 0x{Mask:x})";
}
