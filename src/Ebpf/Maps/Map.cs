using Ebpf.Runtime;

namespace Ebpf.Maps;

/// <summary>
/// A live user-space map with the semantics of the Linux kernel's map of the same type. It offers two APIs:
/// <list type="bullet">
/// <item>the host API (<see cref="Lookup(ReadOnlySpan{byte}, Span{byte})"/>, <see cref="Update"/>, <see cref="Delete"/>,
/// <see cref="TryGetNextKey"/>, iteration, batches, typed views) that copies keys and values and throws
/// <see cref="MapException"/> where the <c>bpf()</c> system call would fail; per-CPU values travel as every slot's value
/// concatenated, each rounded up to 8 bytes, as the system call does;</item>
/// <item>the program API (<see cref="LookupElement"/>, <see cref="UpdateElement"/>, <see cref="DeleteElement"/>) that helpers
/// call with native addresses the helper has already checked, returning a value address or 0, and 0 or a negative errno,
/// exactly as the kernel's helpers do.</item>
/// </list>
/// Maps are safe for concurrent programs and host threads. Values that programs receive pointers to live in native
/// memory (see <see cref="ValueRegions"/>) that stays allocated until the map is disposed.
/// </summary>
public abstract unsafe partial class Map : IMapView, IDisposable
{
    private int _disposed;

    /// <summary>Initialises the common state; <paramref name="processorCount"/> is 1 except for per-CPU maps.</summary>
    private protected Map(MapSpec spec, int processorCount)
    {
        Spec = spec;
        ProcessorCount = processorCount;
        (Id, Handle) = MapRegistry.Register(this);
    }

    /// <summary>The spec the map was created from.</summary>
    public MapSpec Spec { get; }

    /// <summary>The map's name.</summary>
    public string Name => Spec.Name;

    /// <summary>The kind of map.</summary>
    public MapType Type => Spec.Type;

    /// <summary>The size of a key in bytes.</summary>
    public int KeySize => (int)Spec.KeySize;

    /// <summary>The size of one value in bytes (of one processor slot's value, for per-CPU maps).</summary>
    public int ValueSize => (int)Spec.ValueSize;

    /// <summary>The capacity.</summary>
    public int MaxEntries => (int)Spec.MaxEntries;

    /// <summary>The creation flags.</summary>
    public MapCreationFlags Flags => Spec.Flags;

    /// <summary>A process-wide id of the map (what 4-byte map-in-map values hold, like the kernel's map id).</summary>
    public uint Id { get; }

    /// <summary>The stable native address that stands for this map in programs (see <see cref="MapRegistry"/>).</summary>
    public nint Handle { get; }

    /// <summary>The number of processor slots of a per-CPU map; 1 for every other map.</summary>
    public int ProcessorCount { get; }

    /// <summary>The size of a value as the host API transfers it: <see cref="ValueSize"/>, or for per-CPU maps
    /// <see cref="ProcessorCount"/> × <see cref="ValueSize"/> rounded up to 8.</summary>
    public virtual int HostValueSize => ValueSize;

    /// <summary>Whether the map was disposed.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Whether programs may write the values (false for maps created with BPF_F_RDONLY_PROG).</summary>
    public bool ProgramsMayWrite => (Flags & MapCreationFlags.ReadOnlyProgram) == 0;

    /// <summary>
    /// The native memory programs may access through pointers this map hands out (values, ring-buffer records). Add
    /// these to a run's <see cref="RunContext"/>; each is one contiguous block, read-only for BPF_F_RDONLY_PROG maps.
    /// </summary>
    public virtual IReadOnlyList<MemoryRegion> ValueRegions => [];

    /// <summary>
    /// Whether <paramref name="size"/> bytes at <paramref name="address"/> lie in this map's value memory, and whether
    /// programs may write them: a range check per region.
    /// </summary>
    public bool ContainsValue(ulong address, ulong size, out bool writable)
    {
        foreach (var region in ValueRegions)
        {
            if (!region.Contains(address, size)) continue;
            writable = region.Writable;
            return true;
        }
        writable = false;
        return false;
    }

    // ---- host API -------------------------------------------------------------------------------------------

    /// <summary>Copies the value of <paramref name="key"/> into <paramref name="value"/> (<see cref="HostValueSize"/> bytes); false when there is none.</summary>
    /// <exception cref="MapException">The map type does not support lookups by key, or the map is write-only to the host.</exception>
    public bool Lookup(ReadOnlySpan<byte> key, Span<byte> value)
    {
        CheckHostBuffers(key, value.Length);
        if ((Flags & MapCreationFlags.WriteOnly) != 0) throw MapErrors.For(this, MapOperation.Lookup, Errno.EPERM);
        return Succeeded(LookupCore(key, value[..HostValueSize]), MapOperation.Lookup);
    }

    /// <summary>The value of <paramref name="key"/>, or null when there is none.</summary>
    public byte[]? Lookup(ReadOnlySpan<byte> key)
    {
        var value = new byte[HostValueSize];
        return Lookup(key, value) ? value : null;
    }

    /// <summary>Creates or replaces the element of <paramref name="key"/> with <paramref name="value"/> (<see cref="HostValueSize"/> bytes).</summary>
    /// <exception cref="MapException">The kernel would refuse: EEXIST, ENOENT (by the flags), E2BIG (full or index out of range), EINVAL.</exception>
    public void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, MapUpdateFlags flags = MapUpdateFlags.Any)
    {
        int result = TryUpdate(key, value, flags);
        if (result != 0) throw MapErrors.For(this, MapOperation.Update, -result);
    }

    /// <summary>Like <see cref="Update"/>, but returns 0 or the negative errno instead of throwing.</summary>
    public int TryUpdate(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, MapUpdateFlags flags = MapUpdateFlags.Any)
    {
        CheckHostBuffers(key, value.Length);
        if ((Flags & MapCreationFlags.ReadOnly) != 0) return -Errno.EPERM;
        return UpdateCore(key, value[..HostValueSize], (ulong)flags);
    }

    /// <summary>Deletes the element of <paramref name="key"/>; false when there is none.</summary>
    /// <exception cref="MapException">The map type does not allow deletion (arrays: EINVAL).</exception>
    public bool Delete(ReadOnlySpan<byte> key)
    {
        CheckHostKey(key);
        if ((Flags & MapCreationFlags.ReadOnly) != 0) throw MapErrors.For(this, MapOperation.Delete, Errno.EPERM);
        return Succeeded(DeleteCore(key), MapOperation.Delete);
    }

    /// <summary>Copies the value of <paramref name="key"/> and deletes the element; false when there is none.</summary>
    /// <exception cref="MapException">The map type does not support it.</exception>
    public bool LookupAndDelete(ReadOnlySpan<byte> key, Span<byte> value)
    {
        CheckHostBuffers(key, value.Length);
        if ((Flags & (MapCreationFlags.ReadOnly | MapCreationFlags.WriteOnly)) != 0)
            throw MapErrors.For(this, MapOperation.LookupAndDelete, Errno.EPERM);
        return Succeeded(LookupAndDeleteCore(key, value[..HostValueSize]), MapOperation.LookupAndDelete);
    }

    /// <summary>
    /// Writes the key that follows <paramref name="key"/> into <paramref name="nextKey"/>, in the kernel's order for the
    /// type. An empty <paramref name="key"/>, or one that is not in the map, asks for the first key. False after the last.
    /// </summary>
    public bool TryGetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (!key.IsEmpty && key.Length != KeySize)
            throw new ArgumentException($"map '{Name}' has {KeySize}-byte keys, not {key.Length}", nameof(key));
        if (nextKey.Length < KeySize)
            throw new ArgumentException($"map '{Name}' needs {KeySize} bytes for the next key", nameof(nextKey));
        return Succeeded(GetNextKeyCore(key, !key.IsEmpty, nextKey[..KeySize]), MapOperation.GetNextKey);
    }

    /// <summary>Every key, in next-key order (keys deleted meanwhile may restart the walk, as in the kernel).</summary>
    public IEnumerable<byte[]> Keys()
    {
        var key = Array.Empty<byte>();
        var next = new byte[KeySize];
        int guard = 0;
        while (TryGetNextKey(key, next))
        {
            key = (byte[])next.Clone();
            yield return key;
            if (++guard > MaxEntries * 2L + 16) yield break;
        }
    }

    /// <summary>Every element as copies of key and value (host value layout), in next-key order.</summary>
    public IEnumerable<(byte[] Key, byte[] Value)> Entries()
    {
        foreach (var key in Keys())
        {
            var value = new byte[HostValueSize];
            if (Lookup(key, value)) yield return (key, value);
        }
    }

    /// <summary>A typed view of this map for unmanaged key and value structs of exactly the map's sizes.</summary>
    public TypedMap<TKey, TValue> AsTyped<TKey, TValue>() where TKey : unmanaged where TValue : unmanaged => new(this);

    /// <summary>A typed view of a per-CPU map: one <typeparamref name="TValue"/> of the map's value size per processor slot.</summary>
    public PerCpuTypedMap<TKey, TValue> AsPerCpuTyped<TKey, TValue>() where TKey : unmanaged where TValue : unmanaged => new(this);

    // ---- program API ----------------------------------------------------------------------------------------

    /// <summary>
    /// <c>bpf_map_lookup_elem</c>: the native address of the value of the key at <paramref name="keyAddress"/>
    /// (<see cref="KeySize"/> bytes the caller has checked), or 0. Per-CPU maps return the value of
    /// <paramref name="processorSlot"/>. The address stays valid memory until the map is disposed.
    /// </summary>
    public virtual nint LookupElement(ulong keyAddress, int processorSlot = 0) => 0;

    /// <summary><c>bpf_map_update_elem</c>: 0 or a negative errno. The value at <paramref name="valueAddress"/> is one
    /// <see cref="ValueSize"/>-byte value (for per-CPU maps, that of <paramref name="processorSlot"/>).</summary>
    public virtual long UpdateElement(ulong keyAddress, ulong valueAddress, ulong flags, int processorSlot = 0)
    {
        if (IsDisposed) return -Errno.EBADF;
        if (!ProgramsMayWrite) return -Errno.EPERM;
        return UpdateFromProgram(KeyAt(keyAddress), new ReadOnlySpan<byte>((void*)valueAddress, ValueSize), flags, processorSlot);
    }

    /// <summary><c>bpf_map_delete_elem</c>: 0 or a negative errno.</summary>
    public virtual long DeleteElement(ulong keyAddress)
    {
        if (IsDisposed) return -Errno.EBADF;
        if (!ProgramsMayWrite) return -Errno.EPERM;
        return DeleteCore(KeyAt(keyAddress));
    }

    /// <summary><c>bpf_map_push_elem</c> (queues, stacks, bloom filters): 0 or a negative errno; EOPNOTSUPP for other types.</summary>
    public virtual long PushElement(ulong valueAddress, ulong flags) => -Errno.EOPNOTSUPP;

    /// <summary><c>bpf_map_pop_elem</c> (queues, stacks): copies and removes the next value; 0 or a negative errno.</summary>
    public virtual long PopElement(ulong valueAddress) => -Errno.EOPNOTSUPP;

    /// <summary><c>bpf_map_peek_elem</c>: copies the next value (queues, stacks) or tests membership (bloom filters); 0 or a negative errno.</summary>
    public virtual long PeekElement(ulong valueAddress) => -Errno.EOPNOTSUPP;

    // ---- what each type implements --------------------------------------------------------------------------

    /// <summary>Copies the value of <paramref name="key"/> in host layout; 0 or a negative errno.</summary>
    protected abstract int LookupCore(ReadOnlySpan<byte> key, Span<byte> value);

    /// <summary>Creates or replaces an element from a host-layout value; 0 or a negative errno.</summary>
    protected abstract int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags);

    /// <summary>Deletes an element; 0 or a negative errno.</summary>
    protected abstract int DeleteCore(ReadOnlySpan<byte> key);

    /// <summary>Finds the key after <paramref name="key"/> (the first when <paramref name="hasKey"/> is false or the key is missing); 0 or a negative errno.</summary>
    protected abstract int GetNextKeyCore(ReadOnlySpan<byte> key, bool hasKey, Span<byte> nextKey);

    /// <summary>Copies and deletes an element; 0 or a negative errno. Unsupported unless a type overrides it.</summary>
    protected virtual int LookupAndDeleteCore(ReadOnlySpan<byte> key, Span<byte> value) => -Errno.ENOTSUPP;

    /// <summary>Updates from a program: <paramref name="value"/> is one processor slot's value. Defaults to <see cref="UpdateCore"/>.</summary>
    private protected virtual int UpdateFromProgram(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags, int processorSlot) =>
        UpdateCore(key, value, flags);

    /// <summary>Frees the map's native memory; called once.</summary>
    protected abstract void FreeNativeMemory();

    // ---- shared pieces --------------------------------------------------------------------------------------

    /// <summary>The <see cref="KeySize"/> bytes at a program's key address.</summary>
    private protected ReadOnlySpan<byte> KeyAt(ulong keyAddress) => new((void*)keyAddress, KeySize);

    /// <summary><paramref name="size"/> rounded up to a multiple of 8.</summary>
    private protected static int RoundUp8(int size) => (size + 7) & ~7;

    /// <summary>Whether the map keeps one value per processor slot.</summary>
    public bool IsPerCpu => Type is MapType.PerCpuHash or MapType.PerCpuArray or MapType.LruPerCpuHash;

    /// <summary>
    /// The slot a program's access uses: 0 for maps that are not per-CPU (whatever the run's slot), otherwise
    /// <paramref name="processorSlot"/>, which must be below <see cref="ProcessorCount"/>.
    /// </summary>
    private protected int SlotFor(int processorSlot)
    {
        if (!IsPerCpu) return 0;
        if ((uint)processorSlot >= (uint)ProcessorCount)
            throw new ArgumentOutOfRangeException(nameof(processorSlot), processorSlot,
                $"map '{Name}' has {ProcessorCount} processor slots; give runs a RunContext.ProcessorSlot below that");
        return processorSlot;
    }

    private void CheckHostKey(ReadOnlySpan<byte> key)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (key.Length != KeySize)
            throw new ArgumentException($"map '{Name}' has {KeySize}-byte keys, not {key.Length}", nameof(key));
    }

    private void CheckHostBuffers(ReadOnlySpan<byte> key, int valueLength)
    {
        CheckHostKey(key);
        if (valueLength < HostValueSize)
            throw new ArgumentException($"map '{Name}' needs {HostValueSize}-byte value buffers, not {valueLength}", "value");
    }

    private bool Succeeded(int result, MapOperation operation)
    {
        if (result == 0) return true;
        if (result == -Errno.ENOENT) return false;
        throw MapErrors.For(this, operation, -result);
    }

    /// <summary>Frees the native memory; pointers handed out before become invalid.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        MapRegistry.Unregister(Id, Handle);
        FreeNativeMemory();
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    public override string ToString() => $"map #{Id} {Spec}";
}
