namespace Ebpf.Maps;

/// <summary>A map operation, for error messages.</summary>
public enum MapOperation
{
    /// <summary>Creating the map.</summary>
    Create,
    /// <summary>Looking up an element.</summary>
    Lookup,
    /// <summary>Creating or replacing an element.</summary>
    Update,
    /// <summary>Deleting an element.</summary>
    Delete,
    /// <summary>Finding the next key.</summary>
    GetNextKey,
    /// <summary>Looking up and deleting an element (pop).</summary>
    LookupAndDelete,
    /// <summary>Pushing a value (queue, stack, bloom filter).</summary>
    Push,
    /// <summary>Reading the next value without removing it.</summary>
    Peek,
    /// <summary>A batch operation.</summary>
    Batch,
}

/// <summary>Builds the messages of <see cref="MapException"/>: what failed and what to do about it.</summary>
internal static class MapErrors
{
    /// <summary>The exception for a failed operation on <paramref name="map"/>.</summary>
    public static MapException For(Map map, MapOperation operation, int errno) => new(errno, Describe(map, operation, errno));

    /// <summary>The sentence that says which map, what failed and what to do, without the errno name.</summary>
    public static string Describe(Map map, MapOperation operation, int errno) =>
        $"map '{map.Name}' ({map.Type}): {Verb(operation)} failed: {Advice(map, operation, errno)}";

    /// <summary>The exception for a ring buffer submit or discard of an address that is not a reserved record.</summary>
    public static MapException ForRecord(Map map, nint record) =>
        new(Errno.EINVAL, $"ring buffer '{map.Name}': 0x{record:x} is not a record reserved by Reserve and not yet submitted or discarded; pass exactly the address Reserve returned, once");

    /// <summary>The exception for a refused creation.</summary>
    public static MapException Create(MapSpec spec, int errno, string reason) =>
        new(errno, $"cannot create map '{spec.Name}' ({spec.Type}): {reason}");

    private static string Verb(MapOperation operation) => operation switch
    {
        MapOperation.GetNextKey => "get next key",
        MapOperation.LookupAndDelete => "lookup and delete",
        _ => operation.ToString().ToLowerInvariant(),
    };

    private static string Advice(Map map, MapOperation operation, int errno) => (errno, operation) switch
    {
        (Errno.ENOENT, MapOperation.Update) => "the key does not exist and BPF_EXIST asks to replace an existing element; use BPF_ANY to create it",
        (Errno.ENOENT, MapOperation.Push or MapOperation.Peek or MapOperation.LookupAndDelete) => "the map is empty",
        (Errno.ENOENT, _) => "no element has this key",
        (Errno.EEXIST, _) => "the key already exists and BPF_NOEXIST asks to create it; use BPF_ANY or BPF_EXIST to replace it",
        (Errno.E2BIG, MapOperation.Update or MapOperation.Push) when map.Type is MapType.Array or MapType.PerCpuArray or MapType.ProgramArray or MapType.ArrayOfMaps =>
            $"the index is not below max_entries ({map.MaxEntries})",
        (Errno.E2BIG, _) => $"the map holds its maximum of {map.MaxEntries} entries; delete entries, use BPF_EXIST to overwrite, or create the map with a larger max_entries",
        (Errno.ENOSPC, _) => $"the trie holds its maximum of {map.MaxEntries} prefixes; delete prefixes or create it with a larger max_entries",
        (Errno.EINVAL, MapOperation.Delete) when map.Type is MapType.Array or MapType.PerCpuArray => "array elements cannot be deleted; overwrite them with zeroes instead",
        (Errno.EINVAL, _) => "the flags, key or value are not valid for this map type (see the kernel's documentation of the operation)",
        (Errno.EBADF, _) => "the value names no live map or program",
        (Errno.EOPNOTSUPP or Errno.ENOTSUPP, _) => $"{map.Type} maps do not support this operation",
        (Errno.EPERM, _) => "the map's access flags forbid this",
        _ => "the operation was refused",
    };
}
