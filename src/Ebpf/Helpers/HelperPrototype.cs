namespace Ebpf.Helpers;

/// <summary>What a helper argument must be, for the verifier (the kernel's <c>enum bpf_arg_type</c>).</summary>
public enum HelperArgumentKind
{
    /// <summary>Any initialised value (ARG_ANYTHING).</summary>
    Anything,
    /// <summary>A map, loaded with <c>lddw</c> (ARG_CONST_MAP_PTR).</summary>
    MapPointer,
    /// <summary>A pointer to initialised memory of the map's key size (ARG_PTR_TO_MAP_KEY).</summary>
    MapKey,
    /// <summary>A pointer to initialised memory of the map's value size (ARG_PTR_TO_MAP_VALUE).</summary>
    MapValue,
    /// <summary>A pointer to memory of the map's value size that the helper fills (ARG_PTR_TO_MAP_VALUE | MEM_UNINIT).</summary>
    WritableMapValue,
    /// <summary>A pointer to initialised memory whose size is the next argument (ARG_PTR_TO_MEM | MEM_RDONLY).</summary>
    ReadableMemory,
    /// <summary>A pointer to memory the helper fills, whose size is the next argument (ARG_PTR_TO_UNINIT_MEM).</summary>
    WritableMemory,
    /// <summary>The size of the memory argument before it, a bounded number greater than zero (ARG_CONST_SIZE).</summary>
    Size,
    /// <summary>As <see cref="Size"/>, but zero is allowed (ARG_CONST_SIZE_OR_ZERO).</summary>
    SizeOrZero,
    /// <summary>The program's context, unmodified (ARG_PTR_TO_CTX).</summary>
    Context,
    /// <summary>A reserved ring-buffer record, which the call releases (ARG_PTR_TO_MEM | MEM_RINGBUF | OBJ_RELEASE).</summary>
    RingBufferRecord,
    /// <summary>A local function, called back by the helper (ARG_PTR_TO_FUNC).</summary>
    Callback,
    /// <summary>A pointer to stack memory or null (ARG_PTR_TO_STACK_OR_NULL), e.g. a callback's context.</summary>
    StackOrNull,
    /// <summary>A known constant (ARG_CONST_ALLOC_SIZE_OR_ZERO and similar): the size of what the helper returns.</summary>
    ConstantSize,
}

/// <summary>What a helper returns, for the verifier (the kernel's <c>enum bpf_return_type</c>).</summary>
public enum HelperReturnKind
{
    /// <summary>A number (RET_INTEGER).</summary>
    Integer,
    /// <summary>Nothing: r0 is not initialised afterwards (RET_VOID).</summary>
    Void,
    /// <summary>A value of the map in argument 1, or null (RET_PTR_TO_MAP_VALUE_OR_NULL).</summary>
    MapValueOrNull,
    /// <summary>A new ring-buffer record of the size in argument 2, or null; the program must release it (RET_PTR_TO_MEM_OR_NULL | MEM_RINGBUF).</summary>
    RingBufferRecordOrNull,
}

/// <summary>
/// The contract of a helper the verifier checks calls against: the kind of each argument (r1 to r5, in order), the kind
/// of the return value, and whether the call moves packet data (which invalidates every packet pointer).
/// </summary>
/// <param name="Return">What r0 holds afterwards.</param>
/// <param name="Arguments">The argument kinds; registers past the list are not read.</param>
/// <param name="ChangesPacketData">Whether the helper may move or resize the packet (bpf_xdp_adjust_head, bpf_skb_pull_data, …).</param>
/// <param name="GplOnly">Whether only GPL-compatible programs may call it.</param>
/// <param name="AcceptsPacketPointers">Whether memory arguments may point into the packet (the kernel's <c>pkt_access</c>).</param>
public sealed record HelperPrototype(HelperReturnKind Return, IReadOnlyList<HelperArgumentKind> Arguments, bool ChangesPacketData = false,
    bool GplOnly = false, bool AcceptsPacketPointers = false)
{
    /// <summary>A helper returning a number, with the given arguments.</summary>
    public static HelperPrototype Integer(params HelperArgumentKind[] arguments) => new(HelperReturnKind.Integer, arguments);
}
