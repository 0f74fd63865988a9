using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Ebpf.Maps;

namespace Ebpf.Cli.Commands;

/// <summary>
/// Map contents as the JSON of <c>ebpf run</c>, for user-space and kernel maps alike: entries sorted by key bytes
/// (per-CPU maps as one value per CPU); queues and stacks in pop order; program arrays as the program name in each filled
/// slot; ring buffers as their pending records.
/// </summary>
internal static class MapDump
{
    /// <summary>Describes <paramref name="maps"/>; consumes queue, stack and ring-buffer contents, as reading them does.</summary>
    /// <param name="maps">The maps, in the object's order.</param>
    /// <param name="programName">The program name of a program id held in a program array, or null when unknown.</param>
    /// <param name="ringRecords">The pending records of a ring buffer map, or null when they cannot be read.</param>
    public static (JsonObject Maps, JsonObject RingBuffers) Describe(IEnumerable<IMapView> maps, Func<uint, string?>? programName = null,
        Func<IMapView, IEnumerable<byte[]>?>? ringRecords = null)
    {
        var dumped = new JsonObject();
        var rings = new JsonObject();
        foreach (var map in maps)
        {
            switch (map.Type)
            {
                case MapType.RingBuffer:
                    if ((ringRecords ?? UserSpaceRing)(map) is { } records) rings[map.Name] = new JsonArray([.. records.Select(r => JsonValue.Create(Hex(r)))]);
                    break;
                case MapType.Queue or MapType.Stack:
                    var values = new JsonArray();
                    var value = new byte[map.ValueSize];
                    while (map.LookupAndDelete([], value)) values.Add(new JsonObject { ["value"] = Hex(value) });
                    dumped[map.Name] = values;
                    break;
                case MapType.ProgramArray:
                    dumped[map.Name] = ProgramSlots(map, programName);
                    break;
                case MapType.BloomFilter or MapType.PerfEventArray:
                    break;
                default:
                    dumped[map.Name] = Entries(map);
                    break;
            }
        }
        return (dumped, rings);
    }

    private static IEnumerable<byte[]>? UserSpaceRing(IMapView map)
    {
        if (map is not RingBufferMap ring) return null;
        var records = new List<byte[]>();
        ring.Drain(record => records.Add(record.ToArray()));
        return records;
    }

    /// <summary>Every element sorted by key bytes, as <c>{"key","value"}</c> or, for per-CPU maps, <c>{"key","values"}</c>.</summary>
    public static JsonArray Entries(IMapView map)
    {
        var entries = new JsonArray();
        foreach (var (key, value) in map.Entries().OrderBy(e => Hex(e.Key), StringComparer.Ordinal))
        {
            if (map.IsPerCpu)
            {
                int stride = (map.ValueSize + 7) & ~7;
                var slots = new JsonArray();
                for (int offset = 0; offset + map.ValueSize <= value.Length; offset += stride) slots.Add(Hex(value.AsSpan(offset, map.ValueSize)));
                entries.Add(new JsonObject { ["key"] = Hex(key), ["values"] = slots });
            }
            else
            {
                entries.Add(new JsonObject { ["key"] = Hex(key), ["value"] = Hex(value) });
            }
        }
        return entries;
    }

    /// <summary>Each filled slot as <c>{"key": HEX, "prog": NAME}</c>, in index order (the key's bytes are the little-endian index).</summary>
    private static JsonArray ProgramSlots(IMapView map, Func<uint, string?>? programName)
    {
        var slots = new JsonArray();
        var key = new byte[4];
        var id = new byte[4];
        for (uint index = 0; index < (uint)map.MaxEntries; index++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(key, index);
            if (!map.Lookup(key, id)) continue;
            uint programId = BinaryPrimitives.ReadUInt32LittleEndian(id);
            slots.Add(new JsonObject { ["key"] = Hex(key), ["prog"] = programName?.Invoke(programId) ?? $"program id {programId}" });
        }
        return slots;
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => RunReport.Hex(bytes);
}
