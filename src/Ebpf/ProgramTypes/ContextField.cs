namespace Ebpf.ProgramTypes;

/// <summary>What a context field holds, or what a load of it yields.</summary>
public enum ContextFieldKind
{
    /// <summary>A number.</summary>
    Scalar,
    /// <summary>Loads as the address of the packet's first byte (a 32-bit field is rewritten to a 64-bit pointer).</summary>
    PacketStart,
    /// <summary>Loads as the address one past the packet's last byte.</summary>
    PacketEnd,
    /// <summary>Loads as the address of the packet's metadata.</summary>
    PacketMeta,
    /// <summary>Loads as a pointer to a socket that may be null (PTR_TO_SOCK_COMMON_OR_NULL, PTR_TO_SOCKET_OR_NULL).</summary>
    SocketOrNull,
    /// <summary>Loads as a pointer to a socket that is never null (PTR_TO_SOCKET).</summary>
    Socket,
}

/// <summary>
/// One field of a program type's context, as the kernel lays it out and as its <c>*_is_valid_access</c> lets programs
/// touch it: an access of <c>size</c> bytes at context offset <c>off</c> is allowed when <c>off % size == 0</c>, it
/// lies inside the field, and the field allows that width for that direction (see <see cref="Allows"/>).
/// </summary>
/// <param name="Name">The C name (<c>data_end</c>, <c>cb</c>, <c>remote_ip6</c>, …); an array keeps its own name.</param>
/// <param name="Offset">Byte offset in the context.</param>
/// <param name="Size">Size in bytes (a whole array for array fields).</param>
/// <param name="Kind">Scalar, or what pointer a load yields.</param>
/// <param name="Writable">Whether programs may store to it.</param>
public sealed record ContextField(string Name, int Offset, int Size, ContextFieldKind Kind = ContextFieldKind.Scalar, bool Writable = false)
{
    private readonly AccessSizes? _readSizes;
    private readonly AccessSizes? _writeSizes;

    /// <summary>Whether a load of this field yields a packet pointer.</summary>
    public bool IsPacketPointer => Kind is ContextFieldKind.PacketStart or ContextFieldKind.PacketEnd or ContextFieldKind.PacketMeta;

    /// <summary>Whether a load yields a pointer of any kind (packet or socket).</summary>
    public bool IsPointer => Kind != ContextFieldKind.Scalar;

    /// <summary>
    /// The widths a load may have. Default: the field's own size for fields up to 8 bytes; 4 bytes per element for
    /// larger (array) fields. Narrow fields set <see cref="AccessSizesExtensions.UpTo"/>.
    /// </summary>
    public AccessSizes ReadSizes
    {
        get => _readSizes ?? AccessSizesExtensions.Exactly(Size <= 8 && Size is 1 or 2 or 4 or 8 ? Size : 4);
        init => _readSizes = value;
    }

    /// <summary>The widths a store may have: none unless <see cref="Writable"/>; by default those of <see cref="ReadSizes"/>' exact size.</summary>
    public AccessSizes WriteSizes
    {
        get => !Writable ? AccessSizes.None : _writeSizes ?? AccessSizesExtensions.Exactly(Size <= 8 && Size is 1 or 2 or 4 or 8 ? Size : 4);
        init => _writeSizes = value;
    }

    /// <summary>
    /// The expected attach types under which programs may access this field (the kernel checks
    /// <c>prog->expected_attach_type</c>), or null when it is always accessible.
    /// </summary>
    public IReadOnlyList<AttachTypeId>? AttachTypes { get; init; }

    /// <summary>The size of one element of an array field (<c>cb</c>, <c>args</c>, <c>remote_ip6</c>), or 0.</summary>
    public int ElementSize { get; init; }

    /// <summary>
    /// Whether narrow loads must start at the field's first byte: the kernel's rewrite of some fields (bpf_sock's
    /// family, type, protocol, src_port, state; sock_ops' skb_tcp_flags) reads a smaller kernel field and refuses
    /// narrow loads at other offsets.
    /// </summary>
    public bool NarrowLoadsAtStartOnly { get; init; }

    /// <summary>The byte offset one past the field.</summary>
    public int End => Offset + Size;

    /// <summary>A copy whose loads may be any naturally aligned part of the field (the kernel's narrow loads).</summary>
    public ContextField Narrow() => this with { ReadSizes = AccessSizesExtensions.UpTo(Size) };

    /// <summary>A copy whose loads may be narrower than the field but must start at its first byte.</summary>
    public ContextField NarrowAtStart() => Narrow() with { NarrowLoadsAtStartOnly = true };

    /// <summary>Whether an access of <paramref name="size"/> bytes at context offset <paramref name="offset"/> is allowed.</summary>
    /// <param name="offset">The context offset accessed.</param>
    /// <param name="size">The width in bytes.</param>
    /// <param name="write">A store rather than a load.</param>
    /// <param name="attachType">The program's expected attach type, when it has one.</param>
    public bool Allows(int offset, int size, bool write, AttachTypeId? attachType = null)
    {
        if (size is not (1 or 2 or 4 or 8) || offset < Offset || offset + size > End || offset % size != 0) return false;
        if (AttachTypes is not null && (attachType is not { } attach || !AttachTypes.Contains(attach))) return false;
        if (IsPointer && offset != Offset) return false;
        if (!write && NarrowLoadsAtStartOnly && offset != Offset) return false;
        return (write ? WriteSizes : ReadSizes).Allows(size);
    }
}
