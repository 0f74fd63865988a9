namespace Ebpf.Verifier;

/// <summary>What a register holds, in the kernel verifier's type system (<c>enum bpf_reg_type</c>).</summary>
public enum RegisterKind : byte
{
    /// <summary>Never written on this path: reading it is an error.</summary>
    NotInitialized,
    /// <summary>A number (not a pointer), with known bits and ranges.</summary>
    Scalar,
    /// <summary>The program's context (PTR_TO_CTX).</summary>
    Context,
    /// <summary>A frame's stack (PTR_TO_STACK).</summary>
    Stack,
    /// <summary>Into the packet (PTR_TO_PACKET), valid up to its proven range.</summary>
    Packet,
    /// <summary>One past the packet's end (PTR_TO_PACKET_END): only for comparisons.</summary>
    PacketEnd,
    /// <summary>Into the packet's metadata (PTR_TO_PACKET_META).</summary>
    PacketMeta,
    /// <summary>Into a map value (PTR_TO_MAP_VALUE).</summary>
    MapValue,
    /// <summary>A map value or null, before the null check (PTR_TO_MAP_VALUE | PTR_MAYBE_NULL).</summary>
    MapValueOrNull,
    /// <summary>A map itself (CONST_PTR_TO_MAP), for helper arguments.</summary>
    MapPointer,
    /// <summary>An inner map from a map-in-map lookup, or null, before the null check.</summary>
    MapPointerOrNull,
    /// <summary>A reserved ring-buffer record (PTR_TO_MEM | MEM_RINGBUF), to be submitted or discarded.</summary>
    RingBufferRecord,
    /// <summary>A reserved ring-buffer record or null, before the null check.</summary>
    RingBufferRecordOrNull,
    /// <summary>The address of a local function (PTR_TO_FUNC), for callback helpers.</summary>
    Function,
    /// <summary>Into the key of the element a bpf_for_each_map_elem callback visits (PTR_TO_MAP_KEY): read-only, key_size bytes.</summary>
    MapKey,
}
