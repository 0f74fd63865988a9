using System.Buffers.Binary;

namespace Ebpf.Maps;

/// <summary>
/// BPF_MAP_TYPE_PROG_ARRAY: the table of programs that <c>bpf_tail_call</c> jumps to. Each element is empty or holds a
/// 4-byte program reference (whatever handle the program registry of the host gives; the kernel takes a program fd).
/// Kernel semantics: updates take only BPF_ANY (else EINVAL), an index beyond max_entries gives E2BIG on update and
/// delete, an empty element ENOENT on lookup and delete; programs may not look up, update or delete elements. Like the
/// kernel's program array, a filled slot keeps its program alive until the slot is emptied or the map disposed.
/// </summary>
public sealed class ProgramArrayMap : Map
{
    private const ulong Present = 1UL << 32;
    private readonly ulong[] _entries;
    // The programs the slots name, held so that a program is not collected while a slot refers to it.
    private readonly Runtime.IExecutableProgram?[] _held;

    internal ProgramArrayMap(MapSpec spec) : base(spec, 1)
    {
        _entries = new ulong[MaxEntries];
        _held = new Runtime.IExecutableProgram?[MaxEntries];
    }

    /// <summary>The program reference at <paramref name="index"/> (what a tail call jumps to), if any; lock-free.</summary>
    public bool TryGetProgram(uint index, out uint program)
    {
        ulong entry = index < (uint)_entries.Length ? Volatile.Read(ref _entries[index]) : 0;
        program = (uint)entry;
        return entry != 0;
    }

    /// <summary>Stores a program reference at <paramref name="index"/>.</summary>
    /// <exception cref="MapException">The index is not below max_entries (E2BIG).</exception>
    public void SetProgram(uint index, uint program)
    {
        Span<byte> key = stackalloc byte[4], value = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(key, index);
        BinaryPrimitives.WriteUInt32LittleEndian(value, program);
        Update(key, value);
    }

    /// <inheritdoc />
    public override long UpdateElement(ulong keyAddress, ulong valueAddress, ulong flags, int processorSlot = 0) => -Errno.EOPNOTSUPP;

    /// <inheritdoc />
    public override long DeleteElement(ulong keyAddress) => -Errno.EOPNOTSUPP;

    /// <inheritdoc />
    protected override int LookupCore(ReadOnlySpan<byte> key, Span<byte> value)
    {
        if (!TryGetProgram(BinaryPrimitives.ReadUInt32LittleEndian(key), out uint program)) return -Errno.ENOENT;
        BinaryPrimitives.WriteUInt32LittleEndian(value, program);
        return 0;
    }

    /// <inheritdoc />
    protected override int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags)
    {
        if (flags != (ulong)MapUpdateFlags.Any) return -Errno.EINVAL;
        uint index = BinaryPrimitives.ReadUInt32LittleEndian(key);
        if (index >= (uint)_entries.Length) return -Errno.E2BIG;
        uint program = BinaryPrimitives.ReadUInt32LittleEndian(value);
        Volatile.Write(ref _held[index], Runtime.ProgramRegistry.TryGet(program, out var target) ? target : null);
        Volatile.Write(ref _entries[index], Present | program);
        return 0;
    }

    /// <inheritdoc />
    protected override int DeleteCore(ReadOnlySpan<byte> key)
    {
        uint index = BinaryPrimitives.ReadUInt32LittleEndian(key);
        if (index >= (uint)_entries.Length) return -Errno.E2BIG;
        bool had = Interlocked.Exchange(ref _entries[index], 0) != 0;
        Volatile.Write(ref _held[index], null);
        return had ? 0 : -Errno.ENOENT;
    }

    /// <inheritdoc />
    protected override int GetNextKeyCore(ReadOnlySpan<byte> key, bool hasKey, Span<byte> nextKey) =>
        ArrayMap.NextIndex(key, hasKey, nextKey, MaxEntries);

    /// <inheritdoc />
    protected override void FreeNativeMemory() => Array.Clear(_held);
}
