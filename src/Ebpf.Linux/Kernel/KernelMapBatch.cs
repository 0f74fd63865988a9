using Ebpf.Linux.Syscalls;
using Ebpf.Maps;

namespace Ebpf.Linux.Kernel;

/// <summary>
/// Where a kernel batch lookup continues: the opaque <c>out_batch</c> token the kernel wrote, given back as
/// <c>in_batch</c>. Start with a new cursor and repeat the batch call until <see cref="IsComplete"/>.
/// </summary>
public sealed class KernelBatchCursor
{
    internal byte[]? Token { get; set; }

    /// <summary>Whether the last batch reached the end of the map.</summary>
    public bool IsComplete { get; internal set; }
}

public sealed unsafe partial class KernelMap
{
    /// <summary>
    /// <c>BPF_MAP_LOOKUP_BATCH</c>: copies up to <paramref name="keys"/>.Length / <see cref="KeySize"/> elements after the
    /// cursor into <paramref name="keys"/> and <paramref name="values"/> (host value layout) and returns how many.
    /// </summary>
    /// <exception cref="MapException">The map type has no batch operations (EINVAL/ENOTSUPP), or another failure.</exception>
    public int LookupBatch(KernelBatchCursor cursor, Span<byte> keys, Span<byte> values) =>
        CollectBatch(BpfCommand.MapLookupBatch, cursor, keys, values);

    /// <summary><c>BPF_MAP_LOOKUP_AND_DELETE_BATCH</c>: like <see cref="LookupBatch"/>, and deletes what it returns.</summary>
    public int LookupAndDeleteBatch(KernelBatchCursor cursor, Span<byte> keys, Span<byte> values) =>
        CollectBatch(BpfCommand.MapLookupAndDeleteBatch, cursor, keys, values);

    /// <summary>
    /// <c>BPF_MAP_UPDATE_BATCH</c>: updates each key with its value; returns how many. A failure throws a
    /// <see cref="MapException"/> whose <see cref="MapException.Processed"/> counts the elements done.
    /// </summary>
    public int UpdateBatch(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, MapUpdateFlags flags = MapUpdateFlags.Any)
    {
        int count = BatchCount(keys.Length, values.Length);
        fixed (byte* k = keys, v = values)
        {
            var attr = new BpfAttrMapBatch { MapFd = Handle.AsAttrField, Keys = (ulong)k, Values = (ulong)v, Count = (uint)count, ElementFlags = (ulong)flags };
            int errno = BpfSyscall.TryInvoke(BpfCommand.MapUpdateBatch, ref attr, out _);
            if (errno != 0) throw BatchFailure(errno, (int)attr.Count);
            return (int)attr.Count;
        }
    }

    /// <summary><c>BPF_MAP_DELETE_BATCH</c>: deletes each key; returns how many (a missing key fails with ENOENT).</summary>
    public int DeleteBatch(ReadOnlySpan<byte> keys)
    {
        int count = BatchCount(keys.Length, null);
        fixed (byte* k = keys)
        {
            var attr = new BpfAttrMapBatch { MapFd = Handle.AsAttrField, Keys = (ulong)k, Count = (uint)count };
            int errno = BpfSyscall.TryInvoke(BpfCommand.MapDeleteBatch, ref attr, out _);
            if (errno != 0) throw BatchFailure(errno, (int)attr.Count);
            return (int)attr.Count;
        }
    }

    private int CollectBatch(BpfCommand command, KernelBatchCursor cursor, Span<byte> keys, Span<byte> values)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        if (cursor.IsComplete) return 0;
        int capacity = BatchCount(keys.Length, values.Length);
        // The token is at most a key (hash maps use a bucket index, arrays an index): a key-sized buffer, at least 8 bytes.
        var outToken = new byte[Math.Max(KeySize, 8)];
        fixed (byte* k = keys, v = values, inToken = cursor.Token, outPointer = outToken)
        {
            var attr = new BpfAttrMapBatch
            {
                MapFd = Handle.AsAttrField, Keys = (ulong)k, Values = (ulong)v, Count = (uint)capacity,
                InBatch = cursor.Token is null ? 0 : (ulong)inToken, OutBatch = (ulong)outPointer,
            };
            int errno = BpfSyscall.TryInvoke(command, ref attr, out _);
            if (errno == Errno.ENOENT)
            {
                cursor.IsComplete = true;
                return (int)attr.Count;
            }
            if (errno != 0) throw BatchFailure(errno, (int)attr.Count);
            cursor.Token = outToken;
            return (int)attr.Count;
        }
    }

    private int BatchCount(int keyBytes, int? valueBytes)
    {
        if (KeySize == 0 || keyBytes % KeySize != 0)
            throw new ArgumentException($"map '{Name}': the key buffer ({keyBytes} bytes) must hold whole {KeySize}-byte keys", "keys");
        int count = keyBytes / KeySize;
        if (valueBytes is { } bytes && bytes < count * HostValueSize)
            throw new ArgumentException($"map '{Name}': {count} keys need {count * HostValueSize} bytes of values, the buffer has {bytes}", "values");
        return count;
    }

    private MapException BatchFailure(int errno, int processed) =>
        new(errno, $"kernel map '{Name}' (id {Id}, {Type}): batch operation failed after {processed} elements: {Advice(errno)}") { Processed = processed };
}
