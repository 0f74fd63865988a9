using System.Numerics;

namespace Ebpf.Maps;

/// <summary>
/// The hash table behind the hash map types: keys in a managed array, values in a <see cref="ValueArena"/> slot per
/// element, chains through slot indices, and an optional exact LRU list. Buckets are a power of two at least
/// max_entries, as in the kernel, and the next-key order is the kernel's: bucket by bucket, each chain from its head.
/// Not thread-safe: callers hold <see cref="Gate"/>.
/// </summary>
internal sealed unsafe class HashTable : IDisposable
{
    private const int NoSlot = -1;

    private readonly int _keySize;
    private readonly int _maxEntries;
    private readonly uint _seed;
    private readonly byte[] _keys;
    private readonly uint[] _hashes;
    private readonly int[] _chainNext;
    private readonly int[] _buckets;
    private readonly bool[] _linked;
    private readonly int[]? _lruOlder;
    private readonly int[]? _lruNewer;
    private readonly SlotAllocator _slots;
    private int _mostRecent = NoSlot;
    private int _leastRecent = NoSlot;

    /// <summary>Creates an empty table; <paramref name="valueSlotSize"/> is a multiple of 8.</summary>
    public HashTable(int keySize, int valueSlotSize, int maxEntries, bool leastRecentlyUsed, bool zeroSeed,
        bool writableByPrograms, string regionName)
    {
        _keySize = keySize;
        _maxEntries = maxEntries;
        _seed = zeroSeed ? 0 : (uint)Random.Shared.Next();
        // Spare slots let a deleted or replaced value keep its contents while runs that saw it are still going.
        int capacity = maxEntries + Math.Clamp(maxEntries, 1, 64);
        Values = new ValueArena(capacity, valueSlotSize, writableByPrograms, regionName);
        _keys = new byte[(long)capacity * keySize];
        _hashes = new uint[capacity];
        _chainNext = new int[capacity];
        _linked = new bool[capacity];
        _buckets = new int[(int)BitOperations.RoundUpToPowerOf2((uint)maxEntries)];
        Array.Fill(_buckets, NoSlot);
        if (leastRecentlyUsed)
        {
            _lruOlder = new int[capacity];
            _lruNewer = new int[capacity];
        }
        _slots = new SlotAllocator(capacity);
    }

    /// <summary>The lock that guards the table.</summary>
    public object Gate { get; } = new();

    /// <summary>The value slots.</summary>
    public ValueArena Values { get; }

    /// <summary>The number of elements.</summary>
    public int Count { get; private set; }

    /// <summary>Whether the table holds max_entries elements.</summary>
    public bool IsFull => Count >= _maxEntries;

    /// <summary>The slot of <paramref name="key"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key)
    {
        uint hash = KeyHash.Compute(key, _seed);
        for (int slot = _buckets[hash & (uint)(_buckets.Length - 1)]; slot != NoSlot; slot = _chainNext[slot])
            if (_hashes[slot] == hash && KeyOf(slot).SequenceEqual(key)) return slot;
        return NoSlot;
    }

    /// <summary>The key stored in <paramref name="slot"/>.</summary>
    public ReadOnlySpan<byte> KeyOf(int slot) => _keys.AsSpan(slot * _keySize, _keySize);

    /// <summary>
    /// Takes a slot for a new element of <paramref name="key"/> and zeroes its value; it is not linked yet (see
    /// <see cref="Link"/>). There is always one: the arena has spare slots beyond max_entries.
    /// </summary>
    public int Allocate(ReadOnlySpan<byte> key)
    {
        int slot = _slots.Allocate();
        if (slot == NoSlot) throw new InvalidOperationException("hash table arena exhausted; more elements than max_entries + spares");
        key.CopyTo(_keys.AsSpan(slot * _keySize, _keySize));
        _hashes[slot] = KeyHash.Compute(key, _seed);
        Values.Slot(slot).Clear();
        return slot;
    }

    /// <summary>Links an allocated slot at the head of its bucket's chain and makes it the most recently used.</summary>
    public void Link(int slot)
    {
        ref int head = ref _buckets[_hashes[slot] & (uint)(_buckets.Length - 1)];
        _chainNext[slot] = head;
        head = slot;
        _linked[slot] = true;
        Count++;
        if (_lruOlder is not null) PushMostRecent(slot);
    }

    /// <summary>Unlinks an element and retires its slot; its value memory is not reused while older runs go on.</summary>
    public void Unlink(int slot)
    {
        ref int link = ref _buckets[_hashes[slot] & (uint)(_buckets.Length - 1)];
        while (link != slot) link = ref _chainNext[link];
        link = _chainNext[slot];
        _linked[slot] = false;
        Count--;
        if (_lruOlder is not null) RemoveFromLru(slot);
        _slots.Retire(slot);
    }

    /// <summary>Marks an element as the most recently used (LRU tables only).</summary>
    public void Touch(int slot)
    {
        if (_lruOlder is null || _mostRecent == slot) return;
        RemoveFromLru(slot);
        PushMostRecent(slot);
    }

    /// <summary>The least recently used element, or -1 (LRU tables only).</summary>
    public int LeastRecentlyUsed => _leastRecent;

    /// <summary>The number of buckets (the kernel's n_buckets: max_entries rounded up to a power of two).</summary>
    public int BucketCount => _buckets.Length;

    /// <summary>Replaces the contents of <paramref name="slots"/> with the chain of <paramref name="bucket"/>, head first.</summary>
    public void CollectChain(int bucket, List<int> slots)
    {
        slots.Clear();
        for (int slot = _buckets[bucket]; slot != NoSlot; slot = _chainNext[slot]) slots.Add(slot);
    }

    /// <summary>Whether <paramref name="slot"/> holds an element of the table now (not deleted or replaced).</summary>
    public bool IsLinked(int slot) => _linked[slot];

    /// <summary>Copies the key after <paramref name="key"/> (or the first key) into <paramref name="next"/>; false after the last.</summary>
    public bool TryGetNextKey(ReadOnlySpan<byte> key, bool hasKey, Span<byte> next)
    {
        int bucket = 0;
        int slot = hasKey ? Find(key) : NoSlot;
        if (slot != NoSlot)
        {
            if (_chainNext[slot] != NoSlot)
            {
                KeyOf(_chainNext[slot]).CopyTo(next);
                return true;
            }
            bucket = (int)(_hashes[slot] & (uint)(_buckets.Length - 1)) + 1;
        }
        for (; bucket < _buckets.Length; bucket++)
        {
            if (_buckets[bucket] == NoSlot) continue;
            KeyOf(_buckets[bucket]).CopyTo(next);
            return true;
        }
        return false;
    }

    private void PushMostRecent(int slot)
    {
        _lruOlder![slot] = _mostRecent;
        _lruNewer![slot] = NoSlot;
        if (_mostRecent != NoSlot) _lruNewer[_mostRecent] = slot;
        _mostRecent = slot;
        if (_leastRecent == NoSlot) _leastRecent = slot;
    }

    private void RemoveFromLru(int slot)
    {
        int older = _lruOlder![slot], newer = _lruNewer![slot];
        if (older != NoSlot) _lruNewer[older] = newer; else _leastRecent = newer;
        if (newer != NoSlot) _lruOlder[newer] = older; else _mostRecent = older;
    }

    /// <inheritdoc />
    public void Dispose() => Values.Dispose();
}
