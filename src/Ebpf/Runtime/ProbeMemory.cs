namespace Ebpf.Runtime;

/// <summary>Which address space a probe read targets: the kernel's own memory, or the memory of a user process.</summary>
public enum ProbeAddressSpace
{
    /// <summary>Kernel memory (<c>bpf_probe_read_kernel</c>, <c>%pks</c>).</summary>
    Kernel,
    /// <summary>User memory (<c>bpf_probe_read_user</c>, <c>%pus</c>).</summary>
    User,
}

/// <summary>
/// Read-only memory a host offers to <c>bpf_probe_read_*</c> beyond the run's own regions: the stand-in for the
/// kernel and user address spaces a tracing program reads "unsafely". An address outside every region reads as a fault
/// (-EFAULT, destination zeroed), never as host memory. The host keeps each region alive and unchanged in place while
/// programs may read it. Safe to share between threads; adding a region does not disturb runs in progress.
/// </summary>
public sealed class ProbeMemory
{
    private Region[] _regions = [];
    private readonly Lock _gate = new();

    /// <summary>Offers <paramref name="length"/> bytes at <paramref name="start"/> to probe reads of <paramref name="space"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The region is empty, negative or wraps around the address space.</exception>
    public ProbeMemory Add(nint start, long length, ProbeAddressSpace space, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (length <= 0 || (ulong)start + (ulong)length < (ulong)start)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"probe region '{name}' must be a non-empty range inside the address space");
        lock (_gate) _regions = [.. _regions, new Region((ulong)start, (ulong)length, space, name)];
        return this;
    }

    /// <summary>The regions offered so far.</summary>
    public IReadOnlyList<(MemoryRegion Region, ProbeAddressSpace Space)> Regions =>
        _regions.Select(r => (new MemoryRegion(r.Start, r.Length, false, r.Name), r.Space)).ToArray();

    /// <summary>Whether <paramref name="size"/> bytes at <paramref name="address"/> lie in one region of <paramref name="space"/>.</summary>
    public bool Contains(ulong address, ulong size, ProbeAddressSpace space)
    {
        foreach (var r in _regions)
            if (r.Space == space && address >= r.Start && size <= r.Length && address - r.Start <= r.Length - size) return true;
        return false;
    }

    private readonly record struct Region(ulong Start, ulong Length, ProbeAddressSpace Space, string Name);
}
