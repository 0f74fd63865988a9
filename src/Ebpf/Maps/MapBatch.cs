namespace Ebpf.Maps;

/// <summary>
/// Where a batch lookup continues (the kernel's <c>in_batch</c>/<c>out_batch</c>). Start with a new cursor and call
/// the batch operation until <see cref="IsComplete"/>.
/// </summary>
public sealed class MapBatchCursor
{
    internal byte[]? LastKey { get; set; }

    /// <summary>Whether the last batch reached the end of the map (the kernel returns ENOENT with it).</summary>
    public bool IsComplete { get; internal set; }
}

public abstract partial class Map
{
    /// <summary>Whether the kernel has batch operations for this map type (hash types, arrays, LPM tries).</summary>
    public bool SupportsBatch => Type is MapType.Hash or MapType.PerCpuHash or MapType.LruHash or MapType.LruPerCpuHash
        or MapType.Array or MapType.PerCpuArray or MapType.LpmTrie;

    /// <summary>
    /// <c>BPF_MAP_LOOKUP_BATCH</c>: copies up to <paramref name="keys"/>.Length / <see cref="KeySize"/> elements after the
    /// cursor, in next-key order, into <paramref name="keys"/> and <paramref name="values"/> (host value layout), and
    /// returns how many.
    /// </summary>
    /// <exception cref="MapException">The map type has no batch operations (ENOTSUPP).</exception>
    public int LookupBatch(MapBatchCursor cursor, Span<byte> keys, Span<byte> values) =>
        CollectBatch(cursor, keys, values, delete: false);

    /// <summary>
    /// <c>BPF_MAP_LOOKUP_AND_DELETE_BATCH</c>: like <see cref="LookupBatch"/>, and deletes what it returns (hash types only;
    /// arrays and tries give ENOTSUPP as in the kernel).
    /// </summary>
    public int LookupAndDeleteBatch(MapBatchCursor cursor, Span<byte> keys, Span<byte> values)
    {
        if (Type is MapType.Array or MapType.PerCpuArray or MapType.LpmTrie) throw MapErrors.For(this, MapOperation.Batch, Errno.ENOTSUPP);
        return CollectBatch(cursor, keys, values, delete: true);
    }

    /// <summary>
    /// <c>BPF_MAP_UPDATE_BATCH</c>: updates each key with its value in order and returns how many; stops at the first
    /// failure with a <see cref="MapException"/> whose <see cref="MapException.Processed"/> counts the elements done.
    /// </summary>
    public int UpdateBatch(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, MapUpdateFlags flags = MapUpdateFlags.Any)
    {
        int count = BatchCount(keys.Length, values.Length);
        for (int i = 0; i < count; i++)
        {
            int result = TryUpdate(keys.Slice(i * KeySize, KeySize), values.Slice(i * HostValueSize, HostValueSize), flags);
            if (result != 0) throw BatchFailure(-result, i);
        }
        return count;
    }

    /// <summary>
    /// <c>BPF_MAP_DELETE_BATCH</c>: deletes each key in order and returns how many; stops at the first failure (including
    /// a missing key: ENOENT) with <see cref="MapException.Processed"/> set. Arrays give ENOTSUPP as in the kernel.
    /// </summary>
    public int DeleteBatch(ReadOnlySpan<byte> keys)
    {
        if (Type is MapType.Array or MapType.PerCpuArray) throw MapErrors.For(this, MapOperation.Batch, Errno.ENOTSUPP);
        int count = BatchCount(keys.Length, valueBytes: null);
        for (int i = 0; i < count; i++)
        {
            int result = (Flags & MapCreationFlags.ReadOnly) != 0 ? -Errno.EPERM : DeleteCore(keys.Slice(i * KeySize, KeySize));
            if (result != 0) throw BatchFailure(-result, i);
        }
        return count;
    }

    private int CollectBatch(MapBatchCursor cursor, Span<byte> keys, Span<byte> values, bool delete)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        int capacity = BatchCount(keys.Length, values.Length);
        if (cursor.IsComplete) return 0;
        // After a deleting batch the cursor's key is gone, so the walk restarts at the (new) first key.
        byte[]? previous = delete ? null : cursor.LastKey;
        var next = new byte[KeySize];
        int filled = 0;
        while (filled < capacity)
        {
            if (!TryGetNextKey(previous ?? [], next))
            {
                cursor.IsComplete = true;
                break;
            }
            previous = (byte[])next.Clone();
            var value = values.Slice(filled * HostValueSize, HostValueSize);
            bool found = delete ? LookupAndDelete(next, value) : Lookup(next, value);
            if (!found) continue;
            next.CopyTo(keys.Slice(filled * KeySize, KeySize));
            filled++;
        }
        cursor.LastKey = previous;
        return filled;
    }

    /// <summary>The number of keys in a batch, after checking the buffers (no value check when <paramref name="valueBytes"/> is null).</summary>
    private int BatchCount(int keyBytes, int? valueBytes)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (!SupportsBatch) throw MapErrors.For(this, MapOperation.Batch, Errno.ENOTSUPP);
        if (keyBytes % KeySize != 0)
            throw new ArgumentException($"batch keys of map '{Name}' come in {KeySize}-byte keys; {keyBytes} bytes is not a whole number of them", "keys");
        int count = keyBytes / KeySize;
        if (valueBytes < count * HostValueSize)
            throw new ArgumentException($"{count} keys of map '{Name}' need {count * HostValueSize} bytes of values, not {valueBytes}", "values");
        return count;
    }

    private MapException BatchFailure(int errno, int processed)
    {
        return new MapException(errno, $"{MapErrors.Describe(this, MapOperation.Batch, errno)}, after {processed} elements") { Processed = processed };
    }
}
