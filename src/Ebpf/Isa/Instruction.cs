using System.Buffers.Binary;

namespace Ebpf.Isa;

/// <summary>
/// One 8-byte eBPF instruction slot exactly as RFC 9669 encodes it: opcode, destination and source register,
/// signed 16-bit offset and signed 32-bit immediate. A <c>lddw</c> occupies two slots; the second carries the
/// upper half of the immediate in its own <see cref="Immediate"/>.
/// </summary>
public readonly record struct Instruction
{
    /// <summary>The size of one instruction slot in bytes.</summary>
    public const int Size = 8;

    /// <summary>Creates an instruction from its fields.</summary>
    /// <param name="opcode">The opcode byte.</param>
    /// <param name="destination">The destination register, 0 to 15 (only 0 to 10 are valid registers).</param>
    /// <param name="source">The source register, 0 to 15.</param>
    /// <param name="offset">The signed 16-bit offset.</param>
    /// <param name="immediate">The signed 32-bit immediate.</param>
    public Instruction(byte opcode, byte destination, byte source, short offset, int immediate)
    {
        if (destination > 15) throw new ArgumentOutOfRangeException(nameof(destination), destination, "a register field holds 0 to 15");
        if (source > 15) throw new ArgumentOutOfRangeException(nameof(source), source, "a register field holds 0 to 15");
        Opcode = opcode;
        Destination = destination;
        Source = source;
        Offset = offset;
        Immediate = immediate;
    }

    /// <summary>The opcode byte.</summary>
    public byte Opcode { get; }

    /// <summary>The destination register field (low nibble of the second byte).</summary>
    public byte Destination { get; }

    /// <summary>The source register field (high nibble of the second byte).</summary>
    public byte Source { get; }

    /// <summary>The signed 16-bit offset.</summary>
    public short Offset { get; }

    /// <summary>The signed 32-bit immediate.</summary>
    public int Immediate { get; }

    /// <summary>The instruction class.</summary>
    public InstructionClass Class => Opcodes.ClassOf(Opcode);

    /// <summary>Whether this is the first slot of a <c>lddw</c>.</summary>
    public bool IsLddw => Opcode == Opcodes.Lddw;

    /// <summary>Decodes one instruction from the first 8 bytes of <paramref name="bytes"/> (little-endian).</summary>
    public static Instruction Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Size) throw new ArgumentException($"an instruction needs {Size} bytes, got {bytes.Length}", nameof(bytes));
        return new Instruction(
            bytes[0],
            (byte)(bytes[1] & 0x0f),
            (byte)(bytes[1] >> 4),
            BinaryPrimitives.ReadInt16LittleEndian(bytes[2..]),
            BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]));
    }

    /// <summary>Writes the 8-byte little-endian encoding into <paramref name="destination"/>.</summary>
    public void Encode(Span<byte> destination)
    {
        if (destination.Length < Size) throw new ArgumentException($"an instruction needs {Size} bytes", nameof(destination));
        destination[0] = Opcode;
        destination[1] = (byte)(Source << 4 | Destination);
        BinaryPrimitives.WriteInt16LittleEndian(destination[2..], Offset);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], Immediate);
    }

    /// <summary>The 8-byte little-endian encoding as one 64-bit number (byte 0 in the low bits).</summary>
    public ulong ToUInt64()
    {
        Span<byte> bytes = stackalloc byte[Size];
        Encode(bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    /// <summary>The two slots of a <c>lddw rD, value</c> with the given pseudo source.</summary>
    public static (Instruction First, Instruction Second) Lddw(byte destination, ulong value, LddwSource source = LddwSource.Immediate) =>
        (new Instruction(Opcodes.Lddw, destination, (byte)source, 0, unchecked((int)(uint)value)),
         new Instruction(0, 0, 0, 0, unchecked((int)(uint)(value >> 32))));

    /// <inheritdoc />
    public override string ToString() =>
        $"{{op=0x{Opcode:x2} dst=r{Destination} src=r{Source} off={Offset} imm={Immediate}}}";
}
