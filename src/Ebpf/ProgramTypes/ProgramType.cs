namespace Ebpf.ProgramTypes;

/// <summary>How the kernel builds the packet of a test run for this program type.</summary>
public enum PacketLayout
{
    /// <summary>No packet: the context is the whole input.</summary>
    None,
    /// <summary>XDP: the frame from the Ethernet header, with 256 bytes of headroom for <c>bpf_xdp_adjust_head</c>.</summary>
    Xdp,
    /// <summary>An skb whose data starts at the Ethernet header (tc classifiers and actions).</summary>
    SkbFromLinkLayer,
    /// <summary>An skb whose data starts at the network header (socket filters, cgroup skb, lwt): the Ethernet header is pulled off.</summary>
    SkbFromNetworkLayer,
}

/// <summary>
/// A program type as a descriptor, one table shared by runtime, verifier and kernel backend: the kernel's id, the
/// context layout (fields, which are pointers, which widths may be loaded or stored), how test runs build the packet
/// and take the context, and what the return value may be and means.
/// </summary>
/// <param name="Name">The kernel's <c>BPF_PROG_TYPE_</c> name without prefix, lower case (<c>xdp</c>, <c>socket_filter</c>, <c>sched_cls</c>).</param>
/// <param name="KernelId">The kernel's <c>enum bpf_prog_type</c> value; <see cref="UserSpaceOnly"/> for types the kernel lacks.</param>
/// <param name="ContextSize">The size of the context structure in bytes (the largest record for <see cref="ContextLayout.Record"/>).</param>
/// <param name="Fields">The context fields programs may access.</param>
/// <param name="Packet">How a test run lays out the packet.</param>
/// <param name="ReturnCodes">Names of the return values, for reports (XDP_PASS, TC_ACT_SHOT, …).</param>
public sealed record ProgramType(string Name, int KernelId, int ContextSize, IReadOnlyList<ContextField> Fields, PacketLayout Packet,
    IReadOnlyDictionary<uint, string> ReturnCodes)
{
    /// <summary>The <see cref="KernelId"/> of types that exist only here (raw, host event).</summary>
    public const int UserSpaceOnly = -1;

    /// <summary>
    /// The 32-bit fields that load as packet pointers, in the order engines index them: loads of these are rewritten
    /// to 64-bit host pointers, as the kernel's verifier rewrites them. (64-bit pointer fields hold the pointer itself.)
    /// </summary>
    public IReadOnlyList<ContextField> PointerFields { get; } = Fields.Where(f => f.IsPacketPointer && f.Size == 4).ToArray();

    /// <summary>The offsets of <see cref="PointerFields"/>, for <see cref="Runtime.ExecutionOptions.ContextPointerFields"/>.</summary>
    public IReadOnlyList<int> PointerFieldOffsets => PointerFields.Select(f => f.Offset).ToArray();

    /// <summary>How the context may be accessed: listed fields, any aligned load of a record, or plain memory.</summary>
    public ContextLayout Layout { get; init; } = ContextLayout.Fields;

    /// <summary>What a test run takes as the context.</summary>
    public ContextInput Input { get; init; } = ContextInput.HostSupplied;

    /// <summary>The values programs may return, or null when the kernel does not restrict them.</summary>
    public ReturnRange? ReturnRange { get; init; }

    /// <summary>Narrower or wider return ranges the kernel applies for particular expected attach types.</summary>
    public IReadOnlyDictionary<AttachTypeId, ReturnRange> ReturnRangeByAttachType { get; init; } = new Dictionary<AttachTypeId, ReturnRange>();

    /// <summary>The return range for a program with expected attach type <paramref name="attachType"/>, or null when unrestricted.</summary>
    public ReturnRange? ReturnRangeFor(AttachTypeId? attachType) =>
        attachType is { } attach && ReturnRangeByAttachType.TryGetValue(attach, out var range) ? range : ReturnRange;

    /// <summary>The field with the given name; an array element (<c>cb[2]</c>) is resolved to a field of one element.</summary>
    /// <exception cref="KeyNotFoundException">The context has no such field.</exception>
    public ContextField Field(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Fields.FirstOrDefault(f => f.Name == name) is { } field) return field;
        int bracket = name.IndexOf('[');
        if (bracket > 0 && name.EndsWith(']') && int.TryParse(name[(bracket + 1)..^1], out int index) &&
            Fields.FirstOrDefault(f => f.Name == name[..bracket] && f.ElementSize > 0) is { } array &&
            index >= 0 && index < array.Size / array.ElementSize)
        {
            return array with { Name = name, Offset = array.Offset + index * array.ElementSize, Size = array.ElementSize, ElementSize = 0 };
        }
        throw new KeyNotFoundException($"the {Name} context has no field '{name}'; its fields are {string.Join(", ", Fields.Select(f => f.Name).Distinct())}");
    }

    /// <summary>
    /// The field an access of <paramref name="size"/> bytes at context offset <paramref name="offset"/> touches, when
    /// the kernel allows it for this type; null when it refuses it. For a <see cref="ContextLayout.Record"/> the
    /// fields cover the readable part of the largest record; the host's record may be shorter.
    /// </summary>
    public ContextField? FindAccess(int offset, int size, bool write, AttachTypeId? attachType = null)
    {
        foreach (var field in Fields)
            if (field.Allows(offset, size, write, attachType)) return field;
        return null;
    }

    /// <summary>The name of a return value (<c>XDP_DROP</c>), or null when it has none.</summary>
    public string? ReturnName(uint value) => ReturnCodes.TryGetValue(value, out string? name) ? name : null;
}
