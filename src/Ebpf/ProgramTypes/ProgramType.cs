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
    /// <summary>An skb whose data starts at the network header (socket filters): the Ethernet header is pulled off.</summary>
    SkbFromNetworkLayer,
}

/// <summary>
/// A program type as a descriptor, one table shared by runtime, verifier and kernel backend: the kernel's id, the
/// context layout (fields, which are packet pointers, which are writable), how test runs build the packet, and what
/// the return value means.
/// </summary>
/// <param name="Name">The libbpf-style name (<c>xdp</c>, <c>socket_filter</c>, <c>sched_cls</c>).</param>
/// <param name="KernelId">The kernel's <c>enum bpf_prog_type</c> value.</param>
/// <param name="ContextSize">The size of the context structure in bytes.</param>
/// <param name="Fields">The context fields programs may access.</param>
/// <param name="Packet">How a test run lays out the packet.</param>
/// <param name="ReturnCodes">Names of the return values, for reports (XDP_PASS, TC_ACT_SHOT, …).</param>
public sealed record ProgramType(string Name, int KernelId, int ContextSize, IReadOnlyList<ContextField> Fields, PacketLayout Packet,
    IReadOnlyDictionary<uint, string> ReturnCodes)
{
    /// <summary>The fields that load as packet pointers, in the order engines index them.</summary>
    public IReadOnlyList<ContextField> PointerFields { get; } = Fields.Where(f => f.IsPacketPointer).ToArray();

    /// <summary>The offsets of <see cref="PointerFields"/>, for <see cref="Runtime.ExecutionOptions.ContextPointerFields"/>.</summary>
    public IReadOnlyList<int> PointerFieldOffsets => PointerFields.Select(f => f.Offset).ToArray();

    /// <summary>The field with the given name.</summary>
    public ContextField Field(string name) => Fields.First(f => f.Name == name);

    /// <summary>The name of a return value (<c>XDP_DROP</c>), or null when it has none.</summary>
    public string? ReturnName(uint value) => ReturnCodes.TryGetValue(value, out string? name) ? name : null;
}
