namespace Ebpf.ProgramTypes;

/// <summary>What a context field holds.</summary>
public enum ContextFieldKind
{
    /// <summary>A number.</summary>
    Scalar,
    /// <summary>A 32-bit field that loads as the 64-bit address of the packet's first byte.</summary>
    PacketStart,
    /// <summary>A 32-bit field that loads as the address one past the packet's last byte.</summary>
    PacketEnd,
    /// <summary>A 32-bit field that loads as the address of the packet's metadata.</summary>
    PacketMeta,
}

/// <summary>One field of a program type's context, as the kernel lays it out.</summary>
/// <param name="Name">The C name (<c>data_end</c>, <c>cb[0]</c>, …).</param>
/// <param name="Offset">Byte offset in the context.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="Kind">Scalar, or which packet pointer it yields.</param>
/// <param name="Writable">Whether programs may store to it.</param>
public sealed record ContextField(string Name, int Offset, int Size, ContextFieldKind Kind = ContextFieldKind.Scalar, bool Writable = false)
{
    /// <summary>Whether a load of this field yields a packet pointer.</summary>
    public bool IsPacketPointer => Kind != ContextFieldKind.Scalar;
}
