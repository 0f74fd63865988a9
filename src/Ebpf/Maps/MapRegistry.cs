using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Ebpf.Maps;

/// <summary>
/// Gives every live map an id (like the kernel's map id; 4-byte map-in-map values hold it) and a stable native
/// "map object" address (what <c>lddw</c> map references and map-in-map lookups hand to programs), and resolves both
/// back to the map.
/// </summary>
public static class MapRegistry
{
    private const int HandleBytes = 16;
    private const ulong HandleMagic = 0x5041_4d46_5042_4524; // "$EBPFMAP"

    private static readonly ConcurrentDictionary<nint, Map> ByHandle = new();
    private static readonly ConcurrentDictionary<uint, Map> ById = new();
    private static int _lastId;

    /// <summary>Finds the live map whose map object is at <paramref name="handle"/>.</summary>
    public static bool TryGetByHandle(ulong handle, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Map? map) =>
        ByHandle.TryGetValue((nint)handle, out map);

    /// <summary>Finds the live map with id <paramref name="id"/>.</summary>
    public static bool TryGetById(uint id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Map? map) =>
        ById.TryGetValue(id, out map);

    /// <summary>Whether the access lies in the value memory of any live map (for maps reached through maps of maps).</summary>
    public static bool ContainsValue(ulong address, ulong size, bool write)
    {
        foreach (var map in ById.Values)
            if (map.ContainsValue(address, size, out bool writable) && (!write || writable)) return true;
        return false;
    }

    /// <summary>Finds the live map whose value memory holds <paramref name="address"/> (ring-buffer records, values).</summary>
    public static bool TryFindByValueAddress(ulong address, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Map? found)
    {
        foreach (var map in ById.Values)
        {
            if (!map.ContainsValue(address, 1, out _)) continue;
            found = map;
            return true;
        }
        found = null;
        return false;
    }

    internal static unsafe (uint Id, nint Handle) Register(Map map)
    {
        uint id = (uint)Interlocked.Increment(ref _lastId);
        var handle = (ulong*)NativeMemory.AlignedAlloc(HandleBytes, 8);
        handle[0] = HandleMagic;
        handle[1] = id;
        ById[id] = map;
        ByHandle[(nint)handle] = map;
        return (id, (nint)handle);
    }

    /// <summary>
    /// Forgets a disposed map. Its 16-byte map object is deliberately never freed, so a stale handle a program still
    /// holds can never come to name another map.
    /// </summary>
    internal static void Unregister(uint id, nint handle)
    {
        ById.TryRemove(id, out _);
        ByHandle.TryRemove(handle, out _);
    }
}
