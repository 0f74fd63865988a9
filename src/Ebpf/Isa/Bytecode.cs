using System.Collections;

namespace Ebpf.Isa;

/// <summary>
/// An immutable sequence of instruction slots: the raw form of one eBPF program as the kernel takes it
/// (<c>lddw</c> counts as two slots). Decoding and encoding are exact inverses.
/// </summary>
public sealed class Bytecode : IReadOnlyList<Instruction>
{
    private readonly Instruction[] _slots;

    /// <summary>Creates bytecode from instruction slots (copied).</summary>
    public Bytecode(IEnumerable<Instruction> slots) => _slots = slots.ToArray();

    private Bytecode(Instruction[] slots, bool _) => _slots = slots;

    /// <summary>The number of 8-byte slots.</summary>
    public int Count => _slots.Length;

    /// <summary>The slot at <paramref name="index"/>.</summary>
    public Instruction this[int index] => _slots[index];

    /// <summary>The slots as a read-only span, for engines and analyses that walk them.</summary>
    public ReadOnlySpan<Instruction> Slots => _slots;

    /// <summary>Decodes bytecode from its little-endian bytes.</summary>
    /// <exception cref="MalformedProgramException">The length is not a multiple of 8.</exception>
    public static Bytecode FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % Instruction.Size != 0)
            throw new MalformedProgramException(bytes.Length / Instruction.Size,
                $"the program is {bytes.Length} bytes long, not a multiple of {Instruction.Size}: the last instruction is cut off");
        var slots = new Instruction[bytes.Length / Instruction.Size];
        for (int i = 0; i < slots.Length; i++)
            slots[i] = Instruction.Decode(bytes.Slice(i * Instruction.Size, Instruction.Size));
        return new Bytecode(slots, true);
    }

    /// <summary>The little-endian encoding, 8 bytes per slot.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[_slots.Length * Instruction.Size];
        for (int i = 0; i < _slots.Length; i++)
            _slots[i].Encode(bytes.AsSpan(i * Instruction.Size));
        return bytes;
    }

    /// <inheritdoc />
    public IEnumerator<Instruction> GetEnumerator() => ((IEnumerable<Instruction>)_slots).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _slots.GetEnumerator();
}
