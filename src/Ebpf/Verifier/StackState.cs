namespace Ebpf.Verifier;

/// <summary>What one byte of a frame's stack holds (the kernel's STACK_* slot types).</summary>
internal enum StackByte : byte
{
    /// <summary>Never written (STACK_INVALID).</summary>
    Invalid,
    /// <summary>Some number (STACK_MISC).</summary>
    Misc,
    /// <summary>Known zero (STACK_ZERO).</summary>
    Zero,
    /// <summary>Part of a spilled register (STACK_SPILL).</summary>
    Spill,
}

/// <summary>
/// One frame's 512-byte stack: a type per byte, and per 8-byte slot the register spilled there (a full pointer, or a
/// scalar stored with its bounds). Offsets are from the frame pointer: -512 to -1.
/// </summary>
internal sealed class StackState
{
    public const int Size = 512;
    public const int SlotCount = Size / 8;

    // Copy on write: a clone shares the arrays until either side writes (most clones, at branches and checkpoints,
    // are never written to, and a frame's spills are kilobytes).
    private StackByte[] _bytes;
    private RegisterState[] _spills;
    private byte[] _spillSizes;
    private bool _shared;

    public StackState()
    {
        _bytes = new StackByte[Size];
        _spills = new RegisterState[SlotCount];
        _spillSizes = new byte[SlotCount];
    }

    private StackState(StackState other)
    {
        _bytes = other._bytes;
        _spills = other._spills;
        _spillSizes = other._spillSizes;
        _shared = other._shared = true;
    }

    public StackState Clone() => new(this);

    /// <summary>Before a write: takes private copies of arrays a clone may still share.</summary>
    private void Own()
    {
        if (!_shared) return;
        _bytes = (StackByte[])_bytes.Clone();
        _spills = (RegisterState[])_spills.Clone();
        _spillSizes = (byte[])_spillSizes.Clone();
        _shared = false;
    }

    /// <summary>The byte at frame offset <paramref name="offset"/> (-512..-1).</summary>
    public StackByte ByteAt(int offset) => _bytes[Size + offset];

    private static int SlotOf(int offset) => (Size + offset) / 8;

    /// <summary>The register spilled into the slot holding <paramref name="offset"/>, and the spill's size (0 when none).</summary>
    public (RegisterState Register, int Size) SpillAt(int offset)
    {
        int slot = SlotOf(offset);
        return (_spills[slot], _spillSizes[slot]);
    }

    /// <summary>Records a register spilled at a slot-aligned offset.</summary>
    public void Spill(int offset, RegisterState register, int size)
    {
        Own();
        int slot = SlotOf(offset);
        ForgetSlot(slot);
        _spills[slot] = register;
        _spillSizes[slot] = (byte)size;
        for (int i = 0; i < size; i++) _bytes[Size + offset + i] = StackByte.Spill;
    }

    /// <summary>Marks bytes as written with a number (zero when <paramref name="zero"/>), breaking any spill they touch.</summary>
    public void Write(int offset, int size, bool zero)
    {
        Own();
        for (int slot = SlotOf(offset); slot <= SlotOf(offset + size - 1); slot++) ForgetSlot(slot);
        for (int i = 0; i < size; i++) _bytes[Size + offset + i] = zero ? StackByte.Zero : StackByte.Misc;
    }

    /// <summary>Marks bytes that may have been written through a variable offset: spills and zeros they touch become numbers.</summary>
    public void WriteMaybe(int offset, int size)
    {
        Own();
        for (int slot = SlotOf(offset); slot <= SlotOf(offset + size - 1); slot++) ForgetSlot(slot);
        for (int i = 0; i < size; i++)
            if (_bytes[Size + offset + i] == StackByte.Zero) _bytes[Size + offset + i] = StackByte.Misc;
    }

    /// <summary>Turns a slot's spill into plain numbers.</summary>
    private void ForgetSlot(int slot)
    {
        if (_spillSizes[slot] == 0) return;
        for (int i = 0; i < 8; i++)
            if (_bytes[slot * 8 + i] == StackByte.Spill) _bytes[slot * 8 + i] = StackByte.Misc;
        _spills[slot] = default;
        _spillSizes[slot] = 0;
    }

    /// <summary>Replaces spilled registers for which <paramref name="update"/> returns a new state.</summary>
    public void UpdateSpills(Func<RegisterState, RegisterState?> update)
    {
        for (int slot = 0; slot < SlotCount; slot++)
        {
            if (_spillSizes[slot] == 0) continue;
            if (update(_spills[slot]) is RegisterState changed)
            {
                Own();
                _spills[slot] = changed;
            }
        }
    }

    /// <summary>
    /// Widening: spilled scalars that differ from <paramref name="earlier"/>'s become unknown numbers of their size,
    /// except in the slots of <paramref name="preciseSlots"/> (bit i: the 8 bytes at fp-512+8i) where the earlier value
    /// is a constant: those are the precise ones (see <see cref="VerifierState.WidenAgainst"/>).
    /// </summary>
    public void WidenAgainst(StackState earlier, ulong preciseSlots = 0)
    {
        Own();
        for (int slot = 0; slot < SlotCount; slot++)
        {
            if (_spillSizes[slot] == 0 || !_spills[slot].IsScalar) continue;
            bool earlierScalar = earlier._spillSizes[slot] == _spillSizes[slot] && earlier._spills[slot].IsScalar;
            if (earlierScalar && earlier._spills[slot].Bounds == _spills[slot].Bounds) continue;
            if (earlierScalar && (preciseSlots & (1UL << slot)) != 0 && earlier._spills[slot].Bounds.IsConstant) continue;
            _spills[slot] = RegisterState.Scalar(ScalarBounds.Unknown.Truncate(_spillSizes[slot]));
        }
    }

    /// <summary>Every spilled register, for reference and leak checks.</summary>
    public IEnumerable<RegisterState> Spills
    {
        get
        {
            for (int slot = 0; slot < SlotCount; slot++)
                if (_spillSizes[slot] != 0) yield return _spills[slot];
        }
    }

    /// <summary>Whether every value this (older) stack may hold covers <paramref name="current"/>'s: the pruning test.</summary>
    public bool Covers(StackState current, IdMap ids, ulong preciseSlots = ulong.MaxValue)
    {
        for (int slot = 0; slot < SlotCount; slot++)
        {
            if ((preciseSlots & (1UL << slot)) == 0)
            {
                if (!CoversNumbers(current, slot, ids)) return false;
                continue;
            }
            for (int i = slot * 8; i < slot * 8 + 8; i++)
            {
                var old = _bytes[i];
                if (old == StackByte.Invalid) continue;
                var now = current._bytes[i];
                if (old == StackByte.Misc && now is StackByte.Misc or StackByte.Zero) continue;
                if (old == StackByte.Misc && now == StackByte.Spill && current._spills[slot].IsScalar) continue;
                if (old == now && old != StackByte.Spill) continue;
                if (old == StackByte.Spill && now == StackByte.Spill) continue;
                return false;
            }
            if (_spillSizes[slot] != 0)
            {
                if (current._spillSizes[slot] != _spillSizes[slot]) return false;
                if (!_spills[slot].Covers(current._spills[slot], ids)) return false;
            }
        }
        return true;
    }

    /// <summary>A slot whose numbers no later decision depends on: any number covers any number; pointers must still match.</summary>
    private bool CoversNumbers(StackState current, int slot, IdMap ids)
    {
        bool oldPointer = _spillSizes[slot] != 0 && !_spills[slot].IsScalar;
        bool nowPointer = current._spillSizes[slot] != 0 && !current._spills[slot].IsScalar;
        if (oldPointer || nowPointer)
            return oldPointer && nowPointer && current._spillSizes[slot] == _spillSizes[slot] && _spills[slot].Covers(current._spills[slot], ids);
        for (int i = slot * 8; i < slot * 8 + 8; i++)
            if (_bytes[i] != StackByte.Invalid && current._bytes[i] == StackByte.Invalid) return false;
        return true;
    }

    /// <summary>The slots in use, for the log: "fp-8=scalar fp-16=map_value".</summary>
    public string Describe()
    {
        var parts = new List<string>();
        for (int slot = SlotCount - 1; slot >= 0; slot--)
        {
            int offset = slot * 8 - Size;
            if (_spillSizes[slot] != 0) { parts.Add($"fp{offset}={_spills[slot]}"); continue; }
            var chars = new char[8];
            bool any = false;
            for (int i = 0; i < 8; i++)
            {
                var b = _bytes[slot * 8 + i];
                chars[7 - i] = b switch { StackByte.Misc => 'm', StackByte.Zero => '0', StackByte.Spill => 'r', _ => '?' };
                any |= b != StackByte.Invalid;
            }
            if (any) parts.Add($"fp{offset}={new string(chars)}");
        }
        return string.Join(" ", parts);
    }
}
