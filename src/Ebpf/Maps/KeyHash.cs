using System.Buffers.Binary;

namespace Ebpf.Maps;

/// <summary>A fast seeded 32-bit hash of byte strings (a multiply-xorshift mix, 8 bytes per step) for hash tables and bloom filters.</summary>
internal static class KeyHash
{
    /// <summary>Hashes <paramref name="data"/> with <paramref name="seed"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data, uint seed)
    {
        ulong h = (seed | (ulong)seed << 32) ^ 0x9E37_79B9_7F4A_7C15UL ^ (ulong)data.Length;
        while (data.Length >= 8)
        {
            h = (h ^ BinaryPrimitives.ReadUInt64LittleEndian(data)) * 0xBF58_476D_1CE4_E5B9UL;
            h ^= h >> 31;
            data = data[8..];
        }
        ulong tail = 0;
        for (int i = 0; i < data.Length; i++) tail |= (ulong)data[i] << (8 * i);
        h = (h ^ tail) * 0x94D0_49BB_1331_11EBUL;
        h ^= h >> 29;
        h *= 0xBF58_476D_1CE4_E5B9UL;
        h ^= h >> 32;
        return (uint)h;
    }
}
