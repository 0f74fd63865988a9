using Ebpf.Linux.Syscalls;
using Ebpf.Maps;

namespace Ebpf.Linux.Kernel;

/// <summary>
/// A map in the Linux kernel, held open by a file descriptor, with the same host API as the user-space maps
/// (<see cref="IMapView"/>): lookups, updates, deletes and iteration go through <c>bpf()</c>. Dispose it to close the fd;
/// the kernel frees the map once no fd, pin or program refers to it.
/// </summary>
public sealed unsafe partial class KernelMap : IMapView, IDisposable
{
    internal KernelMap(BpfFileDescriptor fd, string name, MapType type, int keySize, int valueSize, int maxEntries, MapCreationFlags flags, uint id)
    {
        Handle = fd;
        Name = name;
        Type = type;
        KeySize = keySize;
        ValueSize = valueSize;
        MaxEntries = maxEntries;
        Flags = flags;
        Id = id;
    }

    internal BpfFileDescriptor Handle { get; }

    /// <summary>The map's file descriptor (valid until the map is disposed).</summary>
    public int FileDescriptor => Handle.Value;

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public MapType Type { get; }

    /// <inheritdoc />
    public int KeySize { get; }

    /// <inheritdoc />
    public int ValueSize { get; }

    /// <inheritdoc />
    public int MaxEntries { get; }

    /// <summary>The creation flags.</summary>
    public MapCreationFlags Flags { get; }

    /// <summary>The kernel's id of the map (what <c>bpftool map show</c> lists).</summary>
    public uint Id { get; }

    /// <inheritdoc />
    public bool IsPerCpu => Type is MapType.PerCpuHash or MapType.PerCpuArray or MapType.LruPerCpuHash or MapType.PerCpuCgroupStorage;

    /// <inheritdoc />
    public int ProcessorCount => IsPerCpu ? PossibleCpus.Count : 1;

    /// <summary>A typed view for unmanaged key and value structs of exactly the key size and host value size.</summary>
    public TypedMap<TKey, TValue> AsTyped<TKey, TValue>() where TKey : unmanaged where TValue : unmanaged => new(this);

    /// <summary>A typed view of a per-CPU map: one <typeparamref name="TValue"/> per possible CPU for each key.</summary>
    public PerCpuTypedMap<TKey, TValue> AsPerCpuTyped<TKey, TValue>() where TKey : unmanaged where TValue : unmanaged => new(this);

    /// <inheritdoc />
    public int HostValueSize => IsPerCpu ? (ValueSize + 7) / 8 * 8 * PossibleCpus.Count : ValueSize;

    /// <summary>Creates a map in the kernel from <paramref name="spec"/> (without BTF).</summary>
    /// <exception cref="KernelErrorException">The kernel refused the map.</exception>
    public static KernelMap Create(MapSpec spec) => Create(spec, btf: null);

    /// <summary>Creates a map, with the BTF key and value types of <paramref name="btf"/> when given.</summary>
    internal static KernelMap Create(MapSpec spec, MapBtf? btf)
    {
        ArgumentNullException.ThrowIfNull(spec);
        KernelMap? inner = spec.InnerMap is { } innerSpec ? Create(innerSpec with { Name = spec.Name + ".inner" }) : null;
        try
        {
            var attr = new BpfAttrMapCreate
            {
                MapType = (uint)spec.Type,
                KeySize = spec.KeySize,
                ValueSize = spec.ValueSize,
                MaxEntries = spec.MaxEntries,
                MapFlags = (uint)spec.Flags,
                InnerMapFd = inner is null ? 0 : inner.Handle.AsAttrField,
                MapExtra = spec.MapExtra,
            };
            attr.SetName(spec.Name);
            if (btf is { } types)
            {
                attr.BtfFd = types.BtfFd;
                attr.BtfKeyTypeId = types.KeyTypeId;
                attr.BtfValueTypeId = types.ValueTypeId;
            }
            int errno = BpfSyscall.TryInvoke(BpfCommand.MapCreate, ref attr, out int fd);
            if (errno != 0) throw new KernelErrorException(BpfCommand.MapCreate, errno, detail: $"map '{spec.Name}' ({spec})");
            var handle = new BpfFileDescriptor(fd);
            return new KernelMap(handle, spec.Name, spec.Type, (int)spec.KeySize, (int)spec.ValueSize, (int)spec.MaxEntries, spec.Flags,
                KernelObjects.MapInfo(handle).Id);
        }
        finally
        {
            inner?.Dispose();
        }
    }

    /// <summary>Opens the kernel map with id <paramref name="id"/> (as <c>bpftool map show</c> lists it).</summary>
    /// <exception cref="KernelErrorException">No such map (ENOENT) or no permission.</exception>
    public static KernelMap FromId(uint id)
    {
        var attr = new BpfAttrGetId { Id = id };
        return FromFd(new BpfFileDescriptor(BpfSyscall.Invoke(BpfCommand.MapGetFdById, ref attr)));
    }

    /// <summary>Opens the map pinned at <paramref name="path"/> in the bpf file system.</summary>
    /// <exception cref="KernelErrorException">Nothing is pinned there, or it is not a map.</exception>
    public static KernelMap FromPin(string path) => FromFd(KernelObjects.OpenPinned(path));

    internal static KernelMap FromFd(BpfFileDescriptor fd)
    {
        try
        {
            var info = KernelObjects.MapInfo(fd);
            return new KernelMap(fd, KernelObjects.NameOf(info), (MapType)info.Type, (int)info.KeySize, (int)info.ValueSize, (int)info.MaxEntries,
                (MapCreationFlags)info.MapFlags, info.Id);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>Pins the map at <paramref name="path"/> in the bpf file system, so it outlives this process.</summary>
    public void Pin(string path) => KernelObjects.Pin(Handle, path);

    /// <summary>Makes the map read-only to user space from now on (BPF_MAP_FREEZE); programs may still write it unless created read-only for programs.</summary>
    public void Freeze()
    {
        var attr = new BpfAttrMapElement { MapFd = Handle.AsAttrField };
        Check(BpfSyscall.TryInvoke(BpfCommand.MapFreeze, ref attr, out _), MapOperation.Update);
    }

    /// <inheritdoc />
    public bool Lookup(ReadOnlySpan<byte> key, Span<byte> value)
    {
        CheckSizes(key, value.Length);
        return Element(BpfCommand.MapLookupElement, MapOperation.Lookup, key, value, 0);
    }

    /// <inheritdoc />
    public byte[]? Lookup(ReadOnlySpan<byte> key)
    {
        var value = new byte[HostValueSize];
        return Lookup(key, value) ? value : null;
    }

    /// <inheritdoc />
    public void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, MapUpdateFlags flags = MapUpdateFlags.Any)
    {
        CheckSizes(key, value.Length);
        fixed (byte* k = key, v = value)
        {
            var attr = new BpfAttrMapElement { MapFd = Handle.AsAttrField, Key = (ulong)k, Value = (ulong)v, Flags = (ulong)flags };
            Check(BpfSyscall.TryInvoke(BpfCommand.MapUpdateElement, ref attr, out _), MapOperation.Update);
        }
    }

    /// <summary>Pushes <paramref name="value"/> onto a queue or stack, or adds it to a bloom filter.</summary>
    public void Push(ReadOnlySpan<byte> value, MapUpdateFlags flags = MapUpdateFlags.Any)
    {
        if (value.Length < ValueSize) throw new ArgumentException($"map '{Name}' has {ValueSize}-byte values, not {value.Length}", nameof(value));
        fixed (byte* v = value)
        {
            var attr = new BpfAttrMapElement { MapFd = Handle.AsAttrField, Value = (ulong)v, Flags = (ulong)flags };
            Check(BpfSyscall.TryInvoke(BpfCommand.MapUpdateElement, ref attr, out _), MapOperation.Push);
        }
    }

    /// <inheritdoc />
    public bool Delete(ReadOnlySpan<byte> key)
    {
        CheckKey(key, emptyAllowed: false);
        fixed (byte* k = key)
        {
            var attr = new BpfAttrMapElement { MapFd = Handle.AsAttrField, Key = (ulong)k };
            int errno = BpfSyscall.TryInvoke(BpfCommand.MapDeleteElement, ref attr, out _);
            if (errno == Errno.ENOENT) return false;
            Check(errno, MapOperation.Delete);
            return true;
        }
    }

    /// <inheritdoc />
    public bool LookupAndDelete(ReadOnlySpan<byte> key, Span<byte> value)
    {
        CheckKey(key, emptyAllowed: true);
        if (value.Length < HostValueSize) throw new ArgumentException($"map '{Name}' needs {HostValueSize} bytes for a value", nameof(value));
        return Element(BpfCommand.MapLookupAndDeleteElement, MapOperation.LookupAndDelete, key, value, 0);
    }

    /// <inheritdoc />
    public bool TryGetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey)
    {
        CheckKey(key, emptyAllowed: true);
        if (nextKey.Length < KeySize) throw new ArgumentException($"map '{Name}' needs {KeySize} bytes for the next key", nameof(nextKey));
        fixed (byte* k = key, n = nextKey)
        {
            var attr = new BpfAttrMapElement { MapFd = Handle.AsAttrField, Key = key.IsEmpty ? 0 : (ulong)k, Value = (ulong)n };
            int errno = BpfSyscall.TryInvoke(BpfCommand.MapGetNextKey, ref attr, out _);
            if (errno == Errno.ENOENT) return false;
            Check(errno, MapOperation.GetNextKey);
            return true;
        }
    }

    /// <inheritdoc />
    public IEnumerable<byte[]> Keys()
    {
        var key = Array.Empty<byte>();
        var next = new byte[KeySize];
        long guard = MaxEntries * 2L + 16;
        while (TryGetNextKey(key, next) && guard-- > 0)
        {
            key = (byte[])next.Clone();
            yield return key;
        }
    }

    /// <inheritdoc />
    public IEnumerable<(byte[] Key, byte[] Value)> Entries()
    {
        foreach (var key in Keys())
        {
            var value = new byte[HostValueSize];
            if (Lookup(key, value)) yield return (key, value);
        }
    }

    /// <summary>A description of the map as the kernel reports it now.</summary>
    public KernelMapInfo Info() => KernelMapInfo.From(KernelObjects.MapInfo(Handle));

    /// <summary>Closes the map's file descriptor.</summary>
    public void Dispose() => Handle.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"kernel map {Id} '{Name}' ({Type}, key {KeySize} B, value {ValueSize} B, max {MaxEntries})";

    private bool Element(BpfCommand command, MapOperation operation, ReadOnlySpan<byte> key, Span<byte> value, ulong flags)
    {
        fixed (byte* k = key, v = value)
        {
            var attr = new BpfAttrMapElement { MapFd = Handle.AsAttrField, Key = key.IsEmpty ? 0 : (ulong)k, Value = (ulong)v, Flags = flags };
            int errno = BpfSyscall.TryInvoke(command, ref attr, out _);
            if (errno == Errno.ENOENT) return false;
            Check(errno, operation);
            return true;
        }
    }

    private void CheckSizes(ReadOnlySpan<byte> key, int valueLength)
    {
        CheckKey(key, emptyAllowed: Type is MapType.Queue or MapType.Stack or MapType.BloomFilter);
        if (valueLength < HostValueSize)
            throw new ArgumentException($"map '{Name}' transfers {HostValueSize}-byte values{(IsPerCpu ? $" ({PossibleCpus.Count} CPUs × {(ValueSize + 7) / 8 * 8} bytes)" : "")}, the buffer has {valueLength}", "value");
    }

    /// <summary>Refuses a key of the wrong size; an empty key is the "none" of next-key and the key of keyless maps.</summary>
    private void CheckKey(ReadOnlySpan<byte> key, bool emptyAllowed)
    {
        if (key.Length != KeySize && !(emptyAllowed && key.IsEmpty))
            throw new ArgumentException($"map '{Name}' has {KeySize}-byte keys, not {key.Length}", nameof(key));
    }

    private void Check(int errno, MapOperation operation)
    {
        if (errno != 0) throw new MapException(errno, $"kernel map '{Name}' (id {Id}, {Type}): {operation} failed: {Advice(errno)}");
    }

    private static string Advice(int errno) => errno switch
    {
        Errno.E2BIG => "the map is full or the index is out of range",
        Errno.EEXIST => "the key exists and the update asked for BPF_NOEXIST",
        Errno.EINVAL => "the operation or its flags do not apply to this map type",
        Errno.EPERM => "the map is frozen or read-only to user space, or this process lacks CAP_BPF",
        Errno.ENOMEM => "the kernel could not allocate the element",
        _ => $"the kernel returned {Errno.Name(errno)}",
    };
}

/// <summary>The BTF that describes a map's key and value: the loaded BTF object's fd and the two type ids.</summary>
internal readonly record struct MapBtf(uint BtfFd, uint KeyTypeId, uint ValueTypeId);
