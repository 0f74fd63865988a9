using Ebpf.Maps;
using Ebpf.Runtime;
using static Ebpf.Helpers.Linux.HelperArguments;

namespace Ebpf.Helpers.Linux;

/// <summary>
/// The helpers that call back into the running program (<see cref="RunContext.CallFunction"/>): the callback is a
/// function reference (<c>lddw</c> source 4, what clang emits for a function's address) and runs as a bpf-to-bpf call.
/// </summary>
public static class CallbackHelpers
{
    /// <summary>BPF_MAX_LOOPS: the most iterations one <c>bpf_loop</c> call may ask for.</summary>
    public const uint MaxLoops = 1u << 23;

    /// <summary>
    /// <c>long bpf_loop(u32 nr_loops, void *callback_fn, void *callback_ctx, u64 flags)</c>, id 181: calls
    /// <c>long callback_fn(u64 index, void *ctx)</c> for index 0, 1, … below <c>nr_loops</c>, stopping early when it
    /// returns non-zero (1 in a verified program). Returns the number of iterations done (the stopping one included),
    /// -EINVAL when flags is not 0, -E2BIG when <c>nr_loops</c> exceeds 1 &lt;&lt; 23.
    /// </summary>
    public static readonly HelperDescriptor Loop = new(181, "loop", (r1, r2, r3, r4, _, context) =>
    {
        if (r4 != 0) return unchecked((ulong)-Errno.EINVAL);
        uint loops = (uint)r1;
        if (loops > MaxLoops) return unchecked((ulong)-Errno.E2BIG);
        for (uint index = 0; index < loops; index++)
        {
            if (context.CallFunction(r2, index, r3, 0, 0, 0) != 0) return index + 1UL;
        }
        return loops;
    });

    /// <summary>
    /// <c>long bpf_for_each_map_elem(struct bpf_map *map, void *callback_fn, void *callback_ctx, u64 flags)</c>, id 164:
    /// calls <c>long callback_fn(struct bpf_map *map, const void *key, void *value, void *ctx)</c> for each element of
    /// a hash, LRU hash, array or per-CPU map (per-CPU: the value of the run's processor slot), stopping after the
    /// element for which it returns non-zero. Returns the number of elements visited, or -EINVAL when flags is not 0.
    /// The key is a read-only copy, valid during the callback; the value is the element itself.
    /// </summary>
    public static readonly HelperDescriptor ForEachMapElement = new(164, "for_each_map_elem", (r1, r2, r3, r4, _, context) =>
    {
        var map = Map(r1, context, "for_each_map_elem");
        if (map.Type is not (MapType.Hash or MapType.LruHash or MapType.PerCpuHash or MapType.LruPerCpuHash
            or MapType.Array or MapType.PerCpuArray))
            throw Fault(context, "for_each_map_elem", $"map '{map.Name}' is a {map.Type} map; the kernel iterates only hash, LRU hash, array and their per-CPU kinds");
        if (r4 != 0) return unchecked((ulong)-Errno.EINVAL);
        return (ulong)ForEach(map, r2, r3, context);
    });

    private static unsafe long ForEach(Map map, ulong callback, ulong callbackContext, RunContext context)
    {
        byte* key = stackalloc byte[map.KeySize];
        ulong handle = (ulong)map.Handle;
        bool Visit(ulong keyAddress, ulong valueAddress) =>
            context.CallFunction(callback, handle, keyAddress, valueAddress, callbackContext, 0) != 0;

        // The callback may read the key through its pointer for as long as it runs.
        context.AddRegion((nint)key, map.KeySize, writable: false, $"bpf_for_each_map_elem key of map '{map.Name}'");
        try
        {
            return map switch
            {
                ArrayMap array => array.ForEachElement(context.ProcessorSlot, key, Visit),
                HashMap hash => hash.ForEachElement(context.ProcessorSlot, key, Visit),
                _ => 0,
            };
        }
        finally
        {
            context.RemoveLastRegion();
        }
    }

    /// <summary>Every helper of this group.</summary>
    public static IReadOnlyList<HelperDescriptor> All { get; } = [Loop, ForEachMapElement];
}
