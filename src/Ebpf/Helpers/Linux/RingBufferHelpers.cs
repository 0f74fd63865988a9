using Ebpf.Maps;
using Ebpf.Runtime;
using static Ebpf.Helpers.Linux.HelperArguments;

namespace Ebpf.Helpers.Linux;

/// <summary>The ring-buffer helpers with their Linux ids: output, reserve, submit, discard, query.</summary>
public static class RingBufferHelpers
{
    /// <summary><c>long bpf_ringbuf_output(ringbuf, void *data, u64 size, u64 flags)</c>, id 130.</summary>
    public static readonly HelperDescriptor Output = new(130, "ringbuf_output", (r1, r2, r3, r4, _, context) =>
    {
        var ring = RingBuffer(r1, context, "ringbuf_output");
        return (ulong)ring.Output(Memory(r2, (long)Math.Min(r3, int.MaxValue + 1UL), false, context, "ringbuf_output", 1), r3, r4);
    });

    /// <summary><c>void *bpf_ringbuf_reserve(ringbuf, u64 size, u64 flags)</c>, id 131: a writable record, or NULL.</summary>
    public static readonly HelperDescriptor Reserve = new(131, "ringbuf_reserve", (r1, r2, r3, _, _, context) =>
        (ulong)RingBuffer(r1, context, "ringbuf_reserve").Reserve(r2, r3));

    /// <summary><c>void bpf_ringbuf_submit(void *data, u64 flags)</c>, id 132.</summary>
    public static readonly HelperDescriptor Submit = new(132, "ringbuf_submit", (r1, r2, _, _, _, context) =>
    {
        Commit(r1, r2, context, "ringbuf_submit", discard: false);
        return 0;
    });

    /// <summary><c>void bpf_ringbuf_discard(void *data, u64 flags)</c>, id 133.</summary>
    public static readonly HelperDescriptor Discard = new(133, "ringbuf_discard", (r1, r2, _, _, _, context) =>
    {
        Commit(r1, r2, context, "ringbuf_discard", discard: true);
        return 0;
    });

    /// <summary><c>u64 bpf_ringbuf_query(ringbuf, u64 flags)</c>, id 134.</summary>
    public static readonly HelperDescriptor Query = new(134, "ringbuf_query", (r1, r2, _, _, _, context) =>
        RingBuffer(r1, context, "ringbuf_query").Query(r2));

    /// <summary>Every ring-buffer helper.</summary>
    public static IReadOnlyList<HelperDescriptor> All { get; } = [Output, Reserve, Submit, Discard, Query];

    private static void Commit(ulong record, ulong flags, RunContext context, string helper, bool discard)
    {
        if (!MapRegistry.TryFindByValueAddress(record, out var map) || map is not RingBufferMap ring)
            throw Fault(context, helper, $"argument 1 (0x{record:x}) is not a record reserved with bpf_ringbuf_reserve");
        try
        {
            if (discard) ring.Discard((nint)record, flags);
            else ring.Submit((nint)record, flags);
        }
        catch (MapException e)
        {
            throw Fault(context, helper, e.Message);
        }
    }
}
