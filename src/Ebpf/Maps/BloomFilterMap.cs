using System.Numerics;

namespace Ebpf.Maps;

/// <summary>
/// BPF_MAP_TYPE_BLOOM_FILTER: a probabilistic set of values (key size 0, value size the element). Push adds a value
/// (flags must be BPF_ANY, else EINVAL); peek tests it: 0 when it may be present, ENOENT when it certainly is not. There
/// are no false negatives. The number of hash functions is the low 4 bits of map_extra (0 means 5), and the bit array is
/// sized as the kernel sizes it: max_entries × hashes × 7/5 bits rounded up to a power of 2 (at least 64). Elements
/// cannot be deleted, popped or iterated (EOPNOTSUPP). Through the generic host API, update adds and lookup tests the
/// value passed in the value buffer, as the system call does.
/// </summary>
public sealed unsafe class BloomFilterMap : Map
{
    private readonly ulong[] _bits;
    private readonly uint _bitMask;
    private readonly uint _seed;

    internal BloomFilterMap(MapSpec spec) : base(spec, 1)
    {
        HashFunctionCount = (int)(spec.MapExtra & 0xF) is var n && n != 0 ? n : 5;
        ulong bitCount = (ulong)MaxEntries * (ulong)HashFunctionCount / 5 * 7;
        if (bitCount > 1UL << 31)
            bitCount = 1UL << 32;
        else
            bitCount = Math.Max(64, BitOperations.RoundUpToPowerOf2(bitCount));
        _bits = new ulong[bitCount / 64];
        _bitMask = (uint)(bitCount - 1);
        _seed = (spec.Flags & MapCreationFlags.ZeroSeed) != 0 ? 0 : (uint)Random.Shared.Next();
    }

    /// <summary>The number of hash functions (bits set per value).</summary>
    public int HashFunctionCount { get; }

    /// <summary>The size of the bit array.</summary>
    public long BitCount => (long)_bits.Length * 64;

    /// <summary>Adds a value.</summary>
    public void Add(ReadOnlySpan<byte> value) => Update([], value);

    /// <summary>Whether the value may have been added (false means it certainly was not).</summary>
    public bool MayContain(ReadOnlySpan<byte> value)
    {
        if (value.Length != ValueSize) throw new ArgumentException($"bloom filter '{Name}' holds {ValueSize}-byte values, not {value.Length}", nameof(value));
        return Test(value) == 0;
    }

    /// <inheritdoc />
    public override long PushElement(ulong valueAddress, ulong flags) =>
        IsDisposed ? -Errno.EBADF : UpdateCore([], new ReadOnlySpan<byte>((void*)valueAddress, ValueSize), flags);

    /// <inheritdoc />
    public override long PeekElement(ulong valueAddress) =>
        IsDisposed ? -Errno.EBADF : Test(new ReadOnlySpan<byte>((void*)valueAddress, ValueSize));

    /// <inheritdoc />
    public override long UpdateElement(ulong keyAddress, ulong valueAddress, ulong flags, int processorSlot = 0) => -Errno.EOPNOTSUPP;

    /// <inheritdoc />
    public override long DeleteElement(ulong keyAddress) => -Errno.EOPNOTSUPP;

    /// <inheritdoc />
    protected override int LookupCore(ReadOnlySpan<byte> key, Span<byte> value) => Test(value[..ValueSize]);

    /// <inheritdoc />
    protected override int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags)
    {
        if (flags != (ulong)MapUpdateFlags.Any) return -Errno.EINVAL;
        for (int i = 0; i < HashFunctionCount; i++)
        {
            uint bit = BitIndex(value[..ValueSize], i);
            Interlocked.Or(ref _bits[bit / 64], 1UL << (int)(bit % 64));
        }
        return 0;
    }

    /// <inheritdoc />
    protected override int DeleteCore(ReadOnlySpan<byte> key) => -Errno.EOPNOTSUPP;

    /// <inheritdoc />
    protected override int GetNextKeyCore(ReadOnlySpan<byte> key, bool hasKey, Span<byte> nextKey) => -Errno.EOPNOTSUPP;

    /// <inheritdoc />
    protected override void FreeNativeMemory() { }

    private int Test(ReadOnlySpan<byte> value)
    {
        for (int i = 0; i < HashFunctionCount; i++)
        {
            uint bit = BitIndex(value, i);
            if ((Volatile.Read(ref _bits[bit / 64]) & 1UL << (int)(bit % 64)) == 0) return -Errno.ENOENT;
        }
        return 0;
    }

    private uint BitIndex(ReadOnlySpan<byte> value, int hashFunction) => KeyHash.Compute(value, _seed + (uint)hashFunction) & _bitMask;
}
