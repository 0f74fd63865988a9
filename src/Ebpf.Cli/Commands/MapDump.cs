using System.Text.Json.Nodes;
using Ebpf.Maps;

namespace Ebpf.Cli.Commands;

/// <summary>
/// Map contents as the JSON of <c>ebpf run</c>: entries sorted by key bytes; queues and stacks in pop order; program
/// arrays as the program name in each filled slot.
/// </summary>
internal static class MapDump
{
    public static (JsonObject Maps, JsonObject RingBuffers) Describe(IReadOnlyList<Map> maps, IReadOnlyDictionary<uint, string>? programNames = null)
    {
        var dumped = new JsonObject();
        var rings = new JsonObject();
        foreach (var map in maps)
        {
            switch (map)
            {
                case RingBufferMap ring:
                    var records = new JsonArray();
                    ring.Drain(record => records.Add(Hex(record)));
                    rings[map.Name] = records;
                    break;
                case QueueStackMap or { Type: MapType.Queue or MapType.Stack }:
                    var values = new JsonArray();
                    var value = new byte[map.ValueSize];
                    while (map.LookupAndDelete([], value)) values.Add(new JsonObject { ["value"] = Hex(value) });
                    dumped[map.Name] = values;
                    break;
                case ProgramArrayMap programs:
                    dumped[map.Name] = ProgramSlots(programs, programNames);
                    break;
                case { Type: MapType.BloomFilter }:
                    break;
                default:
                    dumped[map.Name] = Entries(map);
                    break;
            }
        }
        return (dumped, rings);
    }

    private static JsonArray Entries(Map map)
    {
        var entries = new JsonArray();
        foreach (var (key, value) in map.Entries().OrderBy(e => Hex(e.Key), StringComparer.Ordinal))
        {
            if (map.IsPerCpu)
            {
                int stride = (map.ValueSize + 7) & ~7;
                var perCpu = new JsonArray();
                for (int offset = 0; offset + map.ValueSize <= value.Length; offset += stride) perCpu.Add(Hex(value.AsSpan(offset, map.ValueSize)));
                entries.Add(new JsonObject { ["key"] = Hex(key), ["values"] = perCpu });
            }
            else
            {
                entries.Add(new JsonObject { ["key"] = Hex(key), ["value"] = Hex(value) });
            }
        }
        return entries;
    }

    /// <summary>Each filled slot as <c>{"key": HEX, "prog": NAME}</c>, in index order (the key's bytes are the little-endian index).</summary>
    private static JsonArray ProgramSlots(ProgramArrayMap map, IReadOnlyDictionary<uint, string>? programNames)
    {
        var slots = new JsonArray();
        var key = new byte[4];
        for (uint index = 0; index < (uint)map.MaxEntries; index++)
        {
            if (!map.TryGetProgram(index, out uint id)) continue;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(key, index);
            string name = programNames is not null && programNames.TryGetValue(id, out string? known) ? known : $"program id {id}";
            slots.Add(new JsonObject { ["key"] = Hex(key), ["prog"] = name });
        }
        return slots;
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
