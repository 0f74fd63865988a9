namespace Ebpf.Btf.Core;

/// <summary>
/// What one relocation computes for one target (libbpf's <c>bpf_core_relo_res</c>): the value the compiler put in the
/// instruction, the value for the target, whether to poison the instruction instead, and the memory sizes of a
/// field load or store so that its width can follow a field that changed size.
/// </summary>
internal sealed record CoreRelocationOutcome
{
    /// <summary>The value computed from the local BTF, which the instruction must hold when <see cref="Validate"/>.</summary>
    public ulong OriginalValue { get; init; }

    /// <summary>The value computed from the target BTF, patched into the instruction.</summary>
    public ulong NewValue { get; init; }

    /// <summary>The relocation has no target: the instruction becomes a call to the poison helper.</summary>
    public bool Poison { get; init; }

    /// <summary>Whether the instruction must hold <see cref="OriginalValue"/> before patching.</summary>
    public bool Validate { get; init; } = true;

    /// <summary>The field's size changed in a way a load or store cannot follow (signed integers, mixed kinds).</summary>
    public bool MemorySizeAdjustFails { get; init; }

    /// <summary>The local field's size in bytes (0 when not a plain field offset).</summary>
    public uint OriginalSize { get; init; }

    /// <summary>The target field's size in bytes (0 when not a plain field offset).</summary>
    public uint NewSize { get; init; }
}
