using System.Buffers.Binary;
using Ebpf.Maps;

namespace Ebpf.Tests.Maps;

/// <summary>Keys, values and program-side calls for map tests.</summary>
internal static unsafe class MapTestHelpers
{
    public static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    public static byte[] U64(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }

    public static uint ReadU32(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadUInt32LittleEndian(bytes);

    public static ulong ReadU64(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadUInt64LittleEndian(bytes);

    public static ulong ReadU64(nint address) => *(ulong*)address;

    public static Map Create(MapType type, uint keySize, uint valueSize, uint maxEntries,
        MapCreationFlags flags = MapCreationFlags.None, int processorCount = 2) =>
        Map.Create(new MapSpec($"test_{type}", type, keySize, valueSize, maxEntries, flags), new MapCreateOptions { ProcessorCount = processorCount });

    /// <summary>bpf_map_lookup_elem as a helper calls it, with the key in native memory.</summary>
    public static nint ProgramLookup(Map map, byte[] key, int processorSlot = 0)
    {
        fixed (byte* k = key) return map.LookupElement((ulong)k, processorSlot);
    }

    /// <summary>bpf_map_update_elem as a helper calls it.</summary>
    public static long ProgramUpdate(Map map, byte[] key, byte[] value, ulong flags = 0, int processorSlot = 0)
    {
        fixed (byte* k = key)
        fixed (byte* v = value)
            return map.UpdateElement((ulong)k, (ulong)v, flags, processorSlot);
    }

    /// <summary>bpf_map_delete_elem as a helper calls it.</summary>
    public static long ProgramDelete(Map map, byte[] key)
    {
        fixed (byte* k = key) return map.DeleteElement((ulong)k);
    }

    public static int ErrnoOf(Action action) => Assert.Throws<MapException>(action).Errno;
}
