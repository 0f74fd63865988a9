using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Ebpf.Btf;

namespace Ebpf.Cli.Commands;

/// <summary>
/// Decodes bytes as a BTF type for display: integers and enums as numbers, <c>char</c> arrays as strings (up to the first
/// zero), other arrays as lists, structs and unions as objects by member name, pointers as addresses.
/// </summary>
internal static class BtfValueFormatter
{
    /// <summary>The value of type <paramref name="typeId"/> at the start of <paramref name="bytes"/> as JSON.</summary>
    public static JsonNode? Format(BtfSpec btf, uint typeId, ReadOnlySpan<byte> bytes, int depth = 0)
    {
        if (depth > 16) return null;
        var type = btf.Resolve(typeId);
        switch (type)
        {
            case BtfInt integer when integer.Bits % 8 == 0 && integer.BitOffset == 0 && bytes.Length >= integer.Size:
                return Integer(bytes[..(int)integer.Size], (integer.Encoding & BtfIntEncoding.Signed) != 0, (integer.Encoding & BtfIntEncoding.Bool) != 0);
            case BtfEnum enumeration when bytes.Length >= enumeration.Size:
            {
                var number = Integer(bytes[..(int)enumeration.Size], enumeration.IsSigned, false);
                long value = number!.GetValue<long>();
                return enumeration.Values.FirstOrDefault(v => v.Value == value) is { } named ? JsonValue.Create(named.Name) : number;
            }
            case BtfReference { ReferenceKind: BtfKind.Pointer } when bytes.Length >= 8:
                return JsonValue.Create($"0x{BinaryPrimitives.ReadUInt64LittleEndian(bytes):x}");
            case BtfArray array:
            {
                uint elementSize = btf.SizeOf(array.ElementTypeId);
                if (btf.Resolve(array.ElementTypeId) is BtfInt { Size: 1 } element && (element.Encoding & BtfIntEncoding.Char) != 0 || IsCharName(btf, array.ElementTypeId))
                {
                    var text = bytes[..(int)Math.Min((uint)bytes.Length, array.ElementCount)];
                    int end = text.IndexOf((byte)0);
                    return JsonValue.Create(Encoding.UTF8.GetString(end < 0 ? text : text[..end]));
                }
                var items = new JsonArray();
                for (uint i = 0; i < array.ElementCount && (i + 1) * elementSize <= bytes.Length; i++)
                    items.Add(Format(btf, array.ElementTypeId, bytes[(int)(i * elementSize)..], depth + 1));
                return items;
            }
            case BtfComposite composite:
            {
                var fields = new JsonObject();
                foreach (var member in composite.Members)
                {
                    if (member.BitfieldSize != 0 || member.BitOffset % 8 != 0) continue;
                    int offset = (int)(member.BitOffset / 8);
                    if (offset >= bytes.Length) continue;
                    var value = Format(btf, member.TypeId, bytes[offset..], depth + 1);
                    if (member.Name.Length == 0 && value is JsonObject anonymous)
                        foreach (var (key, inner) in anonymous) fields[key] = inner?.DeepClone();
                    else fields[member.Name] = value;
                }
                return fields;
            }
            default:
                return null;
        }
    }

    private static bool IsCharName(BtfSpec btf, uint id) => btf.Resolve(id) is BtfInt { Size: 1, Name: "char" or "unsigned char" or "signed char" };

    private static JsonValue Integer(ReadOnlySpan<byte> bytes, bool signed, bool boolean)
    {
        if (boolean) return JsonValue.Create(bytes.IndexOfAnyExcept((byte)0) >= 0);
        return bytes.Length switch
        {
            1 => signed ? JsonValue.Create((long)(sbyte)bytes[0]) : JsonValue.Create((long)bytes[0]),
            2 => signed ? JsonValue.Create((long)BinaryPrimitives.ReadInt16LittleEndian(bytes)) : JsonValue.Create((long)BinaryPrimitives.ReadUInt16LittleEndian(bytes)),
            4 => signed ? JsonValue.Create((long)BinaryPrimitives.ReadInt32LittleEndian(bytes)) : JsonValue.Create((long)BinaryPrimitives.ReadUInt32LittleEndian(bytes)),
            8 => signed ? JsonValue.Create(BinaryPrimitives.ReadInt64LittleEndian(bytes)) : JsonValue.Create(BinaryPrimitives.ReadUInt64LittleEndian(bytes)),
            _ => JsonValue.Create(Convert.ToHexString(bytes).ToLowerInvariant()),
        };
    }
}
