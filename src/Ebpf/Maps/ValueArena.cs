using System.Runtime.InteropServices;
using Ebpf.Runtime;

namespace Ebpf.Maps;

/// <summary>
/// One contiguous block of zeroed, 8-byte-aligned native memory holding a map's value slots of equal size. Addresses are
/// stable until the arena is disposed, and a checked engine admits an access to any value with one range check.
/// </summary>
internal sealed unsafe class ValueArena : IDisposable
{
    private byte* _start;

    /// <summary>Allocates <paramref name="slotCount"/> zeroed slots of <paramref name="slotSize"/> bytes (a multiple of 8).</summary>
    public ValueArena(int slotCount, int slotSize, bool writableByPrograms, string name)
    {
        SlotCount = slotCount;
        SlotSize = slotSize;
        Length = (long)slotCount * slotSize;
        _start = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(Length, 8), 8);
        NativeMemory.Clear(_start, (nuint)Math.Max(Length, 8));
        Region = new MemoryRegion((ulong)_start, (ulong)Length, writableByPrograms, name);
    }

    /// <summary>The number of slots.</summary>
    public int SlotCount { get; }

    /// <summary>The size of one slot in bytes.</summary>
    public int SlotSize { get; }

    /// <summary>The size of the arena in bytes.</summary>
    public long Length { get; }

    /// <summary>The memory region programs may access.</summary>
    public MemoryRegion Region { get; }

    /// <summary>The address of slot <paramref name="slot"/>.</summary>
    public byte* SlotAddress(int slot) => _start + (long)slot * SlotSize;

    /// <summary>The bytes of slot <paramref name="slot"/>.</summary>
    public Span<byte> Slot(int slot) => new(SlotAddress(slot), SlotSize);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_start == null) return;
        NativeMemory.AlignedFree(_start);
        _start = null;
    }
}

/// <summary>
/// Hands out slot indices of an arena that holds live elements plus a few spares. A freed slot retires with an epoch
/// (<see cref="MapReclamation"/>) and is reused once no run that started before it retired is still going; when no
/// other slot is left, the oldest retired slot is reused anyway. Not thread-safe: the owning map holds its lock.
/// </summary>
internal sealed class SlotAllocator
{
    private readonly Stack<int> _free = new();
    private readonly Queue<(int Slot, long RetiredAt)> _retired = new();

    /// <summary>Creates an allocator for slots 0 to <paramref name="slotCount"/> - 1, all free.</summary>
    public SlotAllocator(int slotCount)
    {
        for (int slot = slotCount - 1; slot >= 0; slot--) _free.Push(slot);
    }

    /// <summary>Takes a slot, or returns -1 when every slot is live.</summary>
    public int Allocate()
    {
        if (_retired.Count > 0 && (_free.Count == 0 || MapReclamation.IsReusable(_retired.Peek().RetiredAt)))
            return _retired.Dequeue().Slot;
        return _free.Count > 0 ? _free.Pop() : -1;
    }

    /// <summary>Returns a slot that was just unlinked from the map.</summary>
    public void Retire(int slot) => _retired.Enqueue((slot, MapReclamation.Retire()));

    /// <summary>Returns a slot that no program ever saw (an insertion that failed).</summary>
    public void ReturnUnused(int slot) => _free.Push(slot);
}
