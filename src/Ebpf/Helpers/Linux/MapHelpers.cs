using Ebpf.Maps;
using static Ebpf.Helpers.Linux.HelperArguments;

namespace Ebpf.Helpers.Linux;

/// <summary>The map helpers with their Linux ids: lookup, update, delete, and push/pop/peek for queues, stacks and bloom filters.</summary>
public static class MapHelpers
{
    /// <summary><c>void *bpf_map_lookup_elem(map, const void *key)</c>, id 1: the value's address, or NULL.</summary>
    public static readonly HelperDescriptor LookupElement = new(1, "map_lookup_elem", (r1, r2, _, _, _, context) =>
    {
        var map = Map(r1, context, "map_lookup_elem");
        if (map.Type == MapType.ProgramArray)
            throw Fault(context, "map_lookup_elem", $"programs cannot look up program array '{map.Name}'; use bpf_tail_call");
        return (ulong)map.LookupElement(Memory(r2, map.KeySize, false, context, "map_lookup_elem", 1), context.ProcessorSlot);
    });

    /// <summary><c>long bpf_map_update_elem(map, const void *key, const void *value, u64 flags)</c>, id 2: 0 or a negative errno.</summary>
    public static readonly HelperDescriptor UpdateElement = new(2, "map_update_elem", (r1, r2, r3, r4, _, context) =>
    {
        var map = Map(r1, context, "map_update_elem");
        ulong key = Memory(r2, map.KeySize, false, context, "map_update_elem", 1);
        ulong value = Memory(r3, map.ValueSize, false, context, "map_update_elem", 2);
        return (ulong)map.UpdateElement(key, value, r4, context.ProcessorSlot);
    });

    /// <summary><c>long bpf_map_delete_elem(map, const void *key)</c>, id 3: 0 or a negative errno.</summary>
    public static readonly HelperDescriptor DeleteElement = new(3, "map_delete_elem", (r1, r2, _, _, _, context) =>
    {
        var map = Map(r1, context, "map_delete_elem");
        return (ulong)map.DeleteElement(Memory(r2, map.KeySize, false, context, "map_delete_elem", 1));
    });

    /// <summary><c>long bpf_map_push_elem(map, const void *value, u64 flags)</c>, id 87.</summary>
    public static readonly HelperDescriptor PushElement = new(87, "map_push_elem", (r1, r2, r3, _, _, context) =>
    {
        var map = Map(r1, context, "map_push_elem");
        return (ulong)map.PushElement(Memory(r2, map.ValueSize, false, context, "map_push_elem", 1), r3);
    });

    /// <summary><c>long bpf_map_pop_elem(map, void *value)</c>, id 88.</summary>
    public static readonly HelperDescriptor PopElement = new(88, "map_pop_elem", (r1, r2, _, _, _, context) =>
    {
        var map = Map(r1, context, "map_pop_elem");
        return (ulong)map.PopElement(Memory(r2, map.ValueSize, true, context, "map_pop_elem", 1));
    });

    /// <summary><c>long bpf_map_peek_elem(map, void *value)</c>, id 89 (for a bloom filter: the membership test).</summary>
    public static readonly HelperDescriptor PeekElement = new(89, "map_peek_elem", (r1, r2, _, _, _, context) =>
    {
        var map = Map(r1, context, "map_peek_elem");
        bool bloom = map.Type == MapType.BloomFilter;
        return (ulong)map.PeekElement(Memory(r2, map.ValueSize, !bloom, context, "map_peek_elem", 1));
    });

    /// <summary>Every map helper.</summary>
    public static IReadOnlyList<HelperDescriptor> All { get; } =
        [LookupElement, UpdateElement, DeleteElement, PushElement, PopElement, PeekElement];
}
