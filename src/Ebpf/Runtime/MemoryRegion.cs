namespace Ebpf.Runtime;

/// <summary>
/// A range of native memory a run may touch: its input, context, packet, map values, stack. Engines in checked mode
/// test every load and store against the run's regions; an access outside all of them is a fault.
/// </summary>
/// <param name="Start">The address of the first byte.</param>
/// <param name="Length">The length in bytes.</param>
/// <param name="Writable">Whether stores are allowed.</param>
/// <param name="Name">What the region is, for fault messages ("memory", "stack", "context", …).</param>
public readonly record struct MemoryRegion(ulong Start, ulong Length, bool Writable, string Name)
{
    /// <summary>The address one past the last byte.</summary>
    public ulong End => Start + Length;

    /// <summary>Whether <paramref name="size"/> bytes at <paramref name="address"/> lie wholly inside the region.</summary>
    public bool Contains(ulong address, ulong size) =>
        address >= Start && size <= Length && address - Start <= Length - size;
}
