using System.Buffers.Binary;
using Ebpf.Runtime;

namespace Ebpf.Maps;

/// <summary>
/// BPF_MAP_TYPE_LPM_TRIE: keys are a little-endian u32 prefix length followed by the data (an address in network
/// byte order); the maximum prefix length is 8 × the data size. Kernel semantics:
/// <list type="bullet">
/// <item>lookup returns the value of the longest stored prefix that matches the key's data within the key's own prefix
/// length (programs pass the full length to match an address);</item>
/// <item>update and delete match prefixes exactly (bits beyond the prefix length are ignored); a prefix length above the
/// maximum gives EINVAL, flags beyond BPF_EXIST EINVAL, a new prefix in a full trie ENOSPC (replacing works when full,
/// as in kernels since 6.13);</item>
/// <item>next-key order is the kernel's post-order walk: more specific prefixes before the prefixes that contain them,
/// and bit 0 before bit 1 where prefixes diverge; a missing key gives the first key. Keys come back with the data bytes
/// of the update that stored them.</item>
/// </list>
/// Implementation: a hash index per (prefix length, masked data), probed from the longest present prefix length
/// down, plus a sorted set in walk order. One lock per trie; values live in a native arena as for hash maps.
/// </summary>
public sealed class LpmTrieMap : Map
{
    private readonly int _dataSize;
    private readonly int _maxPrefixLength;
    private readonly Dictionary<byte[], Prefix> _byPrefix;
    private readonly Dictionary<byte[], Prefix>.AlternateLookup<ReadOnlySpan<byte>> _byPrefixSpan;
    private readonly SortedSet<Prefix> _walkOrder = new(Prefix.WalkOrder);
    private readonly int[] _countByLength;
    private readonly ValueArena _values;
    private readonly SlotAllocator _slots;
    private readonly MemoryRegion[] _regions;
    private readonly object _gate = new();

    internal LpmTrieMap(MapSpec spec) : base(spec, 1)
    {
        _dataSize = KeySize - 4;
        _maxPrefixLength = _dataSize * 8;
        _countByLength = new int[_maxPrefixLength + 1];
        _byPrefix = new Dictionary<byte[], Prefix>(ByteStringComparer.Instance);
        _byPrefixSpan = _byPrefix.GetAlternateLookup<ReadOnlySpan<byte>>();
        int capacity = MaxEntries + Math.Clamp(MaxEntries, 1, 64);
        _values = new ValueArena(capacity, RoundUp8(ValueSize), ProgramsMayWrite, $"map '{spec.Name}' values");
        _slots = new SlotAllocator(capacity);
        _regions = [_values.Region];
    }

    /// <inheritdoc />
    public override IReadOnlyList<MemoryRegion> ValueRegions => _regions;

    /// <summary>The number of stored prefixes.</summary>
    public int Count
    {
        get { lock (_gate) return _byPrefix.Count; }
    }

    /// <inheritdoc />
    public override unsafe nint LookupElement(ulong keyAddress, int processorSlot = 0)
    {
        if (IsDisposed) return 0;
        lock (_gate)
        {
            var match = LongestMatch(KeyAt(keyAddress));
            return match is null ? 0 : (nint)_values.SlotAddress(match.Slot);
        }
    }

    /// <inheritdoc />
    protected override int LookupCore(ReadOnlySpan<byte> key, Span<byte> value)
    {
        lock (_gate)
        {
            var match = LongestMatch(key);
            if (match is null) return -Errno.ENOENT;
            _values.Slot(match.Slot)[..ValueSize].CopyTo(value);
            return 0;
        }
    }

    /// <inheritdoc />
    protected override int UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong flags)
    {
        int length = PrefixLengthOf(key);
        if (length > _maxPrefixLength || flags > (ulong)MapUpdateFlags.Exist) return -Errno.EINVAL;
        Span<byte> identity = stackalloc byte[KeySize];
        Canonical(key, length, identity);
        lock (_gate)
        {
            bool exists = _byPrefixSpan.TryGetValue(identity, out var old);
            if (exists && flags == (ulong)MapUpdateFlags.NoExist) return -Errno.EEXIST;
            if (!exists && flags == (ulong)MapUpdateFlags.Exist) return -Errno.ENOENT;
            if (!exists && _byPrefix.Count >= MaxEntries) return -Errno.ENOSPC;
            int slot = _slots.Allocate();
            var slotBytes = _values.Slot(slot);
            slotBytes.Clear();
            value[..ValueSize].CopyTo(slotBytes);
            if (old is not null)
            {
                _slots.Retire(old.Slot);
                old.Slot = slot;
                key.CopyTo(old.StoredKey);
                return 0;
            }
            var prefix = new Prefix(identity.ToArray(), key.ToArray(), length, slot);
            _byPrefix.Add(prefix.Identity, prefix);
            _walkOrder.Add(prefix);
            _countByLength[length]++;
            return 0;
        }
    }

    /// <inheritdoc />
    protected override int DeleteCore(ReadOnlySpan<byte> key)
    {
        int length = PrefixLengthOf(key);
        if (length > _maxPrefixLength) return -Errno.EINVAL;
        Span<byte> identity = stackalloc byte[KeySize];
        Canonical(key, length, identity);
        lock (_gate)
        {
            if (!_byPrefixSpan.TryGetValue(identity, out var prefix)) return -Errno.ENOENT;
            _byPrefix.Remove(prefix.Identity);
            _walkOrder.Remove(prefix);
            _countByLength[length]--;
            _slots.Retire(prefix.Slot);
            return 0;
        }
    }

    /// <inheritdoc />
    protected override int GetNextKeyCore(ReadOnlySpan<byte> key, bool hasKey, Span<byte> nextKey)
    {
        lock (_gate)
        {
            if (_walkOrder.Count == 0) return -Errno.ENOENT;
            Prefix? current = null;
            if (hasKey && PrefixLengthOf(key) <= _maxPrefixLength)
            {
                Span<byte> identity = stackalloc byte[KeySize];
                Canonical(key, PrefixLengthOf(key), identity);
                _byPrefixSpan.TryGetValue(identity, out current);
            }
            if (current is null)
            {
                _walkOrder.Min!.StoredKey.CopyTo(nextKey);
                return 0;
            }
            foreach (var candidate in _walkOrder.GetViewBetween(current, _walkOrder.Max!))
            {
                if (ReferenceEquals(candidate, current)) continue;
                candidate.StoredKey.CopyTo(nextKey);
                return 0;
            }
            return -Errno.ENOENT;
        }
    }

    /// <inheritdoc />
    protected override void FreeNativeMemory()
    {
        lock (_gate) _values.Dispose();
    }

    private Prefix? LongestMatch(ReadOnlySpan<byte> key)
    {
        int limit = Math.Min(PrefixLengthOf(key), _maxPrefixLength);
        Span<byte> probe = stackalloc byte[KeySize];
        for (int length = limit; length >= 0; length--)
        {
            if (_countByLength[length] == 0) continue;
            Canonical(key, length, probe);
            if (_byPrefixSpan.TryGetValue(probe, out var prefix)) return prefix;
        }
        return null;
    }

    private static int PrefixLengthOf(ReadOnlySpan<byte> key)
    {
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(key);
        return length > int.MaxValue ? int.MaxValue : (int)length;
    }

    /// <summary>Writes the prefix length and the data with every bit beyond it cleared: the identity of a prefix.</summary>
    private static void Canonical(ReadOnlySpan<byte> key, int length, Span<byte> identity)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(identity, (uint)length);
        var data = identity[4..];
        key[4..].CopyTo(data);
        int fullBytes = length / 8, remainingBits = length % 8;
        if (remainingBits != 0) data[fullBytes] &= (byte)(0xFF << (8 - remainingBits));
        data[(fullBytes + (remainingBits != 0 ? 1 : 0))..].Clear();
    }

    /// <summary>A stored prefix: its identity, the key bytes it was stored with, its length and its value slot.</summary>
    private sealed class Prefix(byte[] identity, byte[] storedKey, int length, int slot)
    {
        public static readonly IComparer<Prefix> WalkOrder = Comparer<Prefix>.Create(CompareInWalkOrder);

        public byte[] Identity { get; } = identity;
        public byte[] StoredKey { get; } = storedKey;
        public int Length { get; } = length;
        public int Slot { get; set; } = slot;

        /// <summary>The kernel's post-order: where the prefixes diverge, bit 0 first; a prefix after the longer prefixes inside it.</summary>
        private static int CompareInWalkOrder(Prefix? a, Prefix? b)
        {
            if (ReferenceEquals(a, b)) return 0;
            if (a is null) return -1;
            if (b is null) return 1;
            int common = Math.Min(a.Length, b.Length);
            for (int bit = 0; bit < common; bit++)
            {
                int bitA = a.Identity[4 + bit / 8] >> (7 - bit % 8) & 1;
                int bitB = b.Identity[4 + bit / 8] >> (7 - bit % 8) & 1;
                if (bitA != bitB) return bitA - bitB;
            }
            return b.Length - a.Length;
        }
    }
}
