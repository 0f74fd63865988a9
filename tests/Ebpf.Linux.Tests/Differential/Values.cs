using CsCheck;

namespace Ebpf.Linux.Tests.Differential;

/// <summary>Register and immediate values, biased towards the edges where engines go wrong.</summary>
internal static class Values
{
    /// <summary>64-bit values at the edges of signed and unsigned 8, 16, 32 and 64-bit ranges.</summary>
    public static readonly ulong[] Edges64 =
    [
        0, 1, 2, 3, 7, 8, 31, 32, 33, 63, 64,
        0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x1_0000,
        0x7fff_ffff, 0x8000_0000, 0x8000_0001, 0xffff_fffe, 0xffff_ffff, 0x1_0000_0000, 0x1_0000_0001,
        0x7fff_ffff_ffff_ffff, 0x8000_0000_0000_0000, 0x8000_0000_0000_0001,
        0xffff_ffff_0000_0000, 0xffff_ffff_8000_0000, 0xffff_ffff_7fff_ffff,
        0xffff_ffff_ffff_fffe, ulong.MaxValue, // -2, -1
        0xffff_ffff_ffff_ff80, 0xffff_ffff_ffff_8000, // sign-extended INT8_MIN, INT16_MIN
        0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210,
    ];

    /// <summary>32-bit immediates at the edges (a 64-bit operation sign-extends them).</summary>
    public static readonly int[] Edges32 =
    [
        0, 1, 2, -1, -2, 7, 31, 32, 63, 64, 0x7f, 0x80, 0xff, -0x80, 0x7fff, 0x8000, 0xffff, -0x8000,
        int.MaxValue, int.MinValue, int.MinValue + 1, 0x1234_5678, unchecked((int)0x89ab_cdef),
    ];

    public static readonly Gen<ulong> Register64 = Gen.Frequency(
        (3, Gen.OneOfConst(Edges64)),
        (2, Gen.ULong),
        (1, Gen.Long[-300, 300].Select(v => unchecked((ulong)v))));

    public static readonly Gen<int> Immediate = Gen.Frequency(
        (3, Gen.OneOfConst(Edges32)),
        (2, Gen.Int),
        (1, Gen.Int[-300, 300]));

    /// <summary>A non-zero immediate: the kernel rejects division and modulo by an immediate zero.</summary>
    public static readonly Gen<int> NonZeroImmediate = Immediate.Select(v => v == 0 ? 1 : v);

    /// <summary>The registers a generated program computes with (r10 is the read-only frame pointer).</summary>
    public static readonly Gen<byte> Register = Gen.Int[0, 9].Select(r => (byte)r);
}
