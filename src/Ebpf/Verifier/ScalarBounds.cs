namespace Ebpf.Verifier;

/// <summary>
/// What the verifier knows about a 64-bit number: its bits (a <see cref="Tnum"/>) and its signed and unsigned ranges in
/// 64 and in 32 bits (the low subregister), kept consistent with each other as the kernel's <c>reg_bounds_sync</c> does.
/// Pointers use it for their variable offset.
/// </summary>
internal readonly record struct ScalarBounds(Tnum Bits, long SMin, long SMax, ulong UMin, ulong UMax, int S32Min, int S32Max, uint U32Min, uint U32Max)
{
    public static ScalarBounds Unknown { get; } = new(Tnum.Unknown, long.MinValue, long.MaxValue, 0, ulong.MaxValue, int.MinValue, int.MaxValue, 0, uint.MaxValue);

    public static ScalarBounds Constant(ulong value) =>
        new(Tnum.Constant(value), (long)value, (long)value, value, value, (int)(uint)value, (int)(uint)value, (uint)value, (uint)value);

    /// <summary>An unknown number in [0, <paramref name="max"/>].</summary>
    public static ScalarBounds UnsignedRange(ulong min, ulong max) => (Unknown with { UMin = min, UMax = max }).Sync();

    public bool IsConstant => Bits.IsConstant;
    public ulong ConstantValue => Bits.Value;
    public bool IsZero => IsConstant && Bits.Value == 0;

    /// <summary>Whether no number satisfies every bound: the path that produced it cannot happen.</summary>
    public bool IsEmpty => UMin > UMax || SMin > SMax || U32Min > U32Max || S32Min > S32Max
        || Bits.Min > UMax || Bits.Max < UMin || (Bits.Value & Bits.Mask) != 0;

    /// <summary>Whether every number this one may be is also allowed by <paramref name="inner"/>'s container (this ⊇ inner).</summary>
    public bool Includes(in ScalarBounds inner) =>
        SMin <= inner.SMin && SMax >= inner.SMax && UMin <= inner.UMin && UMax >= inner.UMax
        && S32Min <= inner.S32Min && S32Max >= inner.S32Max && U32Min <= inner.U32Min && U32Max >= inner.U32Max
        && Bits.Includes(inner.Bits);

    /// <summary>Tightens every bound from the others until they agree (the kernel's reg_bounds_sync).</summary>
    public ScalarBounds Sync()
    {
        var b = this;
        for (int round = 0; round < 2; round++)
        {
            b = b.FromBits().Deduce32().Deduce64().Cross().NarrowBits();
        }
        return b;
    }

    private ScalarBounds FromBits()
    {
        var sub = Bits.Subreg;
        return this with
        {
            SMin = Math.Max(SMin, (long)(Bits.Value | (Bits.Mask & 0x8000_0000_0000_0000UL))),
            SMax = Math.Min(SMax, (long)(Bits.Value | (Bits.Mask & 0x7fff_ffff_ffff_ffffUL))),
            UMin = Math.Max(UMin, Bits.Min),
            UMax = Math.Min(UMax, Bits.Max),
            S32Min = Math.Max(S32Min, (int)(uint)(sub.Value | (sub.Mask & 0x8000_0000UL))),
            S32Max = Math.Min(S32Max, (int)(uint)(sub.Value | (sub.Mask & 0x7fff_ffffUL))),
            U32Min = Math.Max(U32Min, (uint)sub.Min),
            U32Max = Math.Min(U32Max, (uint)sub.Max),
        };
    }

    private ScalarBounds Deduce32()
    {
        var b = this;
        // Signed and unsigned 32-bit ranges agree where the range does not cross the sign boundary.
        if ((int)b.U32Min <= (int)b.U32Max)
            b = b with { S32Min = Math.Max(b.S32Min, (int)b.U32Min), S32Max = Math.Min(b.S32Max, (int)b.U32Max) };
        if (b.S32Min >= 0 || b.S32Max < 0)
            b = b with { U32Min = Math.Max(b.U32Min, (uint)b.S32Min), U32Max = Math.Min(b.U32Max, (uint)b.S32Max) };
        return b;
    }

    private ScalarBounds Deduce64()
    {
        var b = this;
        if ((long)b.UMin <= (long)b.UMax)
            b = b with { SMin = Math.Max(b.SMin, (long)b.UMin), SMax = Math.Min(b.SMax, (long)b.UMax) };
        if (b.SMin >= 0 || b.SMax < 0)
            b = b with { UMin = Math.Max(b.UMin, (ulong)b.SMin), UMax = Math.Min(b.UMax, (ulong)b.SMax) };
        return b;
    }

    private ScalarBounds Cross()
    {
        var b = this;
        // 64 → 32: when the upper halves of the bounds agree, the low halves bound the subregister.
        if (b.UMin >> 32 == b.UMax >> 32)
        {
            b = b with { U32Min = Math.Max(b.U32Min, (uint)b.UMin), U32Max = Math.Min(b.U32Max, (uint)b.UMax) };
            if ((int)(uint)b.UMin <= (int)(uint)b.UMax)
                b = b with { S32Min = Math.Max(b.S32Min, (int)(uint)b.UMin), S32Max = Math.Min(b.S32Max, (int)(uint)b.UMax) };
        }
        if (b.SMin >> 32 == b.SMax >> 32)
        {
            b = b with { U32Min = Math.Max(b.U32Min, (uint)b.SMin), U32Max = Math.Min(b.U32Max, (uint)b.SMax) };
            if ((int)b.SMin <= (int)b.SMax)
                b = b with { S32Min = Math.Max(b.S32Min, (int)b.SMin), S32Max = Math.Min(b.S32Max, (int)b.SMax) };
        }
        // 32 → 64: with the upper half fixed, the subregister's range refines the whole.
        if (b.UMin >> 32 == b.UMax >> 32)
        {
            ulong high = b.UMin & 0xffff_ffff_0000_0000UL;
            b = b with { UMin = Math.Max(b.UMin, high | b.U32Min), UMax = Math.Min(b.UMax, high | b.U32Max) };
        }
        return b;
    }

    private ScalarBounds NarrowBits()
    {
        var bits = Bits;
        if (UMin <= UMax) bits = bits.Intersect(Tnum.Range(UMin, UMax));
        if (U32Min <= U32Max) bits = bits.WithSubreg(bits.Subreg.Intersect(Tnum.Range(U32Min, U32Max)));
        return this with { Bits = bits };
    }

    /// <summary>The low 32 bits as a 64-bit number with zero upper half (what a 32-bit operation leaves in the register).</summary>
    public ScalarBounds ZeroExtend32() =>
        new ScalarBounds(Bits.Subreg, U32Min, U32Max, U32Min, U32Max, S32Min, S32Max, U32Min, U32Max)
            .With32FromUnsigned().Sync();

    private ScalarBounds With32FromUnsigned() =>
        this with { SMin = U32Min, SMax = U32Max, UMin = U32Min, UMax = U32Max };

    /// <summary>The low <paramref name="bytes"/> bytes zero-extended (a load or a truncating move).</summary>
    public ScalarBounds Truncate(int bytes)
    {
        if (bytes >= 8) return this;
        ulong limit = bytes == 4 ? uint.MaxValue : (1UL << (bytes * 8)) - 1;
        if (UMax <= limit) return this;
        if (bytes == 4) return ZeroExtend32();
        return (Unknown with { Bits = Bits.Cast(bytes), UMin = 0, UMax = limit }).Sync();
    }

    /// <summary>The unsigned 32-bit range of the low half alone, as a full 64-bit number (for 32-bit operations).</summary>
    public ScalarBounds Low32AsScalar() =>
        new ScalarBounds(Bits.Subreg, 0, long.MaxValue, U32Min, U32Max, S32Min, S32Max, U32Min, U32Max).Sync();

    /// <summary>A 64-bit result reduced to its low 32 bits, zero-extended.</summary>
    public ScalarBounds WrapTo32()
    {
        var low = Bits.Subreg;
        uint u32Min = 0, u32Max = uint.MaxValue;
        if (UMin >> 32 == UMax >> 32) { u32Min = (uint)UMin; u32Max = (uint)UMax; }
        int s32Min = int.MinValue, s32Max = int.MaxValue;
        if (SMin >= int.MinValue && SMax <= int.MaxValue) { s32Min = (int)SMin; s32Max = (int)SMax; }
        var b = new ScalarBounds(low, 0, uint.MaxValue, 0, uint.MaxValue, Math.Max(s32Min, S32Min), Math.Min(s32Max, S32Max),
            Math.Max(u32Min, U32Min), Math.Min(u32Max, U32Max)).Sync();
        return b.ZeroExtend32();
    }

    public override string ToString()
    {
        if (IsConstant) return $"{(long)Bits.Value}";
        var parts = new List<string>();
        if (SMin != long.MinValue) parts.Add($"smin={SMin}");
        if (SMax != long.MaxValue) parts.Add($"smax={SMax}");
        if (UMin != 0) parts.Add($"umin={UMin}");
        if (UMax != ulong.MaxValue) parts.Add($"umax={UMax}");
        if (S32Min != int.MinValue) parts.Add($"smin32={S32Min}");
        if (S32Max != int.MaxValue) parts.Add($"smax32={S32Max}");
        if (U32Min != 0) parts.Add($"umin32={U32Min}");
        if (U32Max != uint.MaxValue) parts.Add($"umax32={U32Max}");
        if (Bits.Mask != ulong.MaxValue) parts.Add($"var_off={Bits}");
        return string.Join(",", parts);
    }
}
