using Ebpf.Maps;
using Ebpf.Runtime;
using static Ebpf.Helpers.Linux.HelperArguments;

namespace Ebpf.Helpers.Linux;

/// <summary><c>bpf_tail_call</c>: continue with another program from a program array.</summary>
public static class TailCallHelpers
{
    /// <summary>
    /// <c>long bpf_tail_call(void *ctx, struct bpf_map *prog_array_map, u32 index)</c>, id 12. On success the calling
    /// program ends and the program at <c>index</c> runs with the same context; on failure (empty slot, index out of
    /// range, more than 33 tail calls) the caller goes on and r0 is a negative errno.
    /// </summary>
    public static readonly HelperDescriptor TailCall = new(12, "tail_call", (r1, r2, r3, _, _, context) =>
    {
        if (Map(r2, context, "tail_call", argument: 2) is not ProgramArrayMap programs)
            throw Fault(context, "tail_call", "argument 2 is not a program array map");
        if (!programs.TryGetProgram((uint)r3, out uint id) || !ProgramRegistry.TryGet(id, out var target))
            return unchecked((ulong)-Errno.ENOENT);
        return context.RequestTailCall(target, r1) ? 0 : unchecked((ulong)-Errno.E2BIG);
    });

    /// <summary>Every helper of this group.</summary>
    public static IReadOnlyList<HelperDescriptor> All { get; } = [TailCall];
}
