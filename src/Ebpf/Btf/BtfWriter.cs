using System.Buffers.Binary;
using System.Text;

namespace Ebpf.Btf;

/// <summary>
/// Encodes a <see cref="BtfSpec"/> back into the <c>.BTF</c> wire format (header, type section, string section; little
/// endian), as the kernel's <c>BPF_BTF_LOAD</c> takes it. Writing the parsed spec rather than the section bytes carries the
/// DATASEC sizes and variable offsets that the loader filled in, which the kernel requires and clang leaves as 0.
/// </summary>
public sealed class BtfWriter
{
    private const int HeaderSize = 24;

    private readonly StringTable _strings = new();
    private readonly byte[] _types;

    /// <summary>Encodes the types of <paramref name="spec"/> (in id order, so type ids are kept).</summary>
    public BtfWriter(BtfSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var types = new MemoryStream();
        foreach (var type in spec.Types.Skip(1)) WriteType(types, _strings, type);
        _types = types.ToArray();
    }

    /// <summary>The BTF blob of <paramref name="spec"/>.</summary>
    public static byte[] Write(BtfSpec spec) => new BtfWriter(spec).ToArray();

    /// <summary>
    /// The offset of <paramref name="value"/> in the string section, adding it if it is not there yet: what
    /// <c>bpf_line_info</c> records name their file and line text by.
    /// </summary>
    public uint StringOffset(string value) => _strings.Offset(value);

    /// <summary>The blob: header, the types, and every string added so far.</summary>
    public byte[] ToArray()
    {
        byte[] stringBytes = _strings.ToArray();
        var blob = new byte[HeaderSize + _types.Length + stringBytes.Length];
        var header = blob.AsSpan();
        BinaryPrimitives.WriteUInt16LittleEndian(header, BtfReader.Magic);
        header[2] = 1; // version
        header[3] = 0; // flags
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], HeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)_types.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)_types.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], (uint)stringBytes.Length);
        _types.CopyTo(blob, HeaderSize);
        stringBytes.CopyTo(blob, HeaderSize + _types.Length);
        return blob;
    }

    private static void WriteType(Stream output, StringTable strings, BtfType type)
    {
        var words = new List<uint>();
        void Header(BtfKind kind, int vlen, bool kindFlag, uint sizeOrType)
        {
            words.Add(strings.Offset(type.Name));
            words.Add((kindFlag ? 0x8000_0000u : 0) | ((uint)kind & 0x1f) << 24 | (uint)vlen & 0xffff);
            words.Add(sizeOrType);
        }

        switch (type)
        {
            case BtfInt integer:
                Header(BtfKind.Int, 0, false, integer.Size);
                words.Add((uint)integer.Encoding << 24 | (uint)integer.BitOffset << 16 | integer.Bits);
                break;
            case BtfFloat floating:
                Header(BtfKind.Float, 0, false, floating.Size);
                break;
            case BtfReference reference:
                Header(reference.ReferenceKind, 0, false, reference.TargetId);
                break;
            case BtfArray array:
                Header(BtfKind.Array, 0, false, 0);
                words.AddRange([array.ElementTypeId, array.IndexTypeId, array.ElementCount]);
                break;
            case BtfComposite composite:
            {
                bool bitfields = composite.Members.Any(m => m.BitfieldSize != 0);
                Header(composite.IsUnion ? BtfKind.Union : BtfKind.Struct, composite.Members.Count, bitfields, composite.Size);
                foreach (var member in composite.Members)
                    words.AddRange([strings.Offset(member.Name), member.TypeId,
                        bitfields ? (uint)member.BitfieldSize << 24 | member.BitOffset & 0xff_ffff : member.BitOffset]);
                break;
            }
            case BtfEnum enumeration:
                Header(enumeration.Is64 ? BtfKind.Enum64 : BtfKind.Enum, enumeration.Values.Count, enumeration.IsSigned, enumeration.Size);
                foreach (var value in enumeration.Values)
                {
                    words.Add(strings.Offset(value.Name));
                    words.Add((uint)value.Value);
                    if (enumeration.Is64) words.Add((uint)((ulong)value.Value >> 32));
                }
                break;
            case BtfForward forward:
                Header(BtfKind.Forward, 0, forward.IsUnion, 0);
                break;
            case BtfFunction function:
                Header(BtfKind.Function, (int)function.Linkage, false, function.PrototypeId);
                break;
            case BtfFunctionPrototype prototype:
                Header(BtfKind.FunctionPrototype, prototype.Parameters.Count, false, prototype.ReturnTypeId);
                foreach (var parameter in prototype.Parameters) words.AddRange([strings.Offset(parameter.Name), parameter.TypeId]);
                break;
            case BtfVariable variable:
                Header(BtfKind.Variable, 0, false, variable.TypeId);
                words.Add((uint)variable.Linkage);
                break;
            case BtfDataSection section:
                Header(BtfKind.DataSection, section.Variables.Count, false, section.Size);
                foreach (var variable in section.Variables) words.AddRange([variable.VariableId, variable.Offset, variable.Size]);
                break;
            case BtfDeclarationTag tag:
                Header(BtfKind.DeclarationTag, 0, false, tag.TargetId);
                words.Add((uint)tag.ComponentIndex);
                break;
            default:
                throw new BtfFormatException($"type {type.Id} ({type.Kind} '{type.Name}') cannot be encoded");
        }
        Span<byte> word = stackalloc byte[4];
        foreach (uint value in words)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(word, value);
            output.Write(word);
        }
    }

    /// <summary>The string section being built: each distinct string once, the empty string at offset 0.</summary>
    private sealed class StringTable
    {
        private readonly MemoryStream _bytes = new();
        private readonly Dictionary<string, uint> _offsets = new(StringComparer.Ordinal);

        public StringTable() => Offset("");

        public uint Offset(string value)
        {
            if (_offsets.TryGetValue(value, out uint offset)) return offset;
            offset = (uint)_bytes.Length;
            _bytes.Write(Encoding.UTF8.GetBytes(value));
            _bytes.WriteByte(0);
            _offsets.Add(value, offset);
            return offset;
        }

        public byte[] ToArray() => _bytes.ToArray();
    }
}
