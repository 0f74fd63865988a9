using System.Buffers.Binary;

namespace Ebpf.Runtime;

/// <summary>
/// The arithmetic of RFC 9669 where it differs from C#: division and modulo by zero, signed overflow, byte
/// swaps. Every engine calls these, so the interpreter and the JIT cannot disagree.
/// </summary>
public static class Arithmetic
{
    /// <summary>Unsigned 64-bit division; x / 0 = 0.</summary>
    public static ulong Div64(ulong x, ulong y) => y == 0 ? 0 : x / y;

    /// <summary>Unsigned 32-bit division; x / 0 = 0.</summary>
    public static uint Div32(uint x, uint y) => y == 0 ? 0 : x / y;

    /// <summary>Unsigned 64-bit modulo; x % 0 = x.</summary>
    public static ulong Mod64(ulong x, ulong y) => y == 0 ? x : x % y;

    /// <summary>Unsigned 32-bit modulo; x % 0 = x.</summary>
    public static uint Mod32(uint x, uint y) => y == 0 ? x : x % y;

    /// <summary>Signed 64-bit division, truncating; x / 0 = 0 and LLONG_MIN / -1 = LLONG_MIN.</summary>
    public static long SignedDiv64(long x, long y) => y switch
    {
        0 => 0,
        -1 => unchecked(-x),
        _ => x / y,
    };

    /// <summary>Signed 32-bit division, truncating; x / 0 = 0 and INT_MIN / -1 = INT_MIN.</summary>
    public static int SignedDiv32(int x, int y) => y switch
    {
        0 => 0,
        -1 => unchecked(-x),
        _ => x / y,
    };

    /// <summary>Signed 64-bit modulo with the sign of the dividend; x % 0 = x and x % -1 = 0.</summary>
    public static long SignedMod64(long x, long y) => y switch
    {
        0 => x,
        -1 => 0,
        _ => x % y,
    };

    /// <summary>Signed 32-bit modulo with the sign of the dividend; x % 0 = x and x % -1 = 0.</summary>
    public static int SignedMod32(int x, int y) => y switch
    {
        0 => x,
        -1 => 0,
        _ => x % y,
    };

    /// <summary>Reverses the low <paramref name="width"/> bits' bytes (16, 32 or 64) and zero-extends the result.</summary>
    public static ulong ByteSwap(ulong value, int width) => width switch
    {
        16 => BinaryPrimitives.ReverseEndianness((ushort)value),
        32 => BinaryPrimitives.ReverseEndianness((uint)value),
        _ => BinaryPrimitives.ReverseEndianness(value),
    };

    /// <summary>Converts to little endian (a truncation on this little-endian runtime) and zero-extends.</summary>
    public static ulong ToLittleEndian(ulong value, int width) =>
        BitConverter.IsLittleEndian ? Truncate(value, width) : ByteSwap(value, width);

    /// <summary>Converts to big endian and zero-extends.</summary>
    public static ulong ToBigEndian(ulong value, int width) =>
        BitConverter.IsLittleEndian ? ByteSwap(value, width) : Truncate(value, width);

    private static ulong Truncate(ulong value, int width) => width switch
    {
        16 => (ushort)value,
        32 => (uint)value,
        _ => value,
    };
}
