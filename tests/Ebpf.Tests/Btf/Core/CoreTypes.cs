namespace Ebpf.Tests.Btf.Core;

/// <summary>Type records for hand-built BTF: each call appends one type (ids count from 1 in call order).</summary>
internal static class CoreTypes
{
    public static BtfBlob Int(this BtfBlob blob, string name, uint size, bool signed) =>
        blob.Type(name, 1, 0, size, false, (signed ? 1u : 0u) << 24 | size * 8);

    public static BtfBlob Struct(this BtfBlob blob, string name, uint size, params (string Name, uint Type, uint BitOffset)[] members) =>
        blob.Composite(name, 4, size, false, members.Select(m => (m.Name, m.Type, m.BitOffset, 0u)).ToArray());

    public static BtfBlob Union(this BtfBlob blob, string name, uint size, params (string Name, uint Type, uint BitOffset)[] members) =>
        blob.Composite(name, 5, size, false, members.Select(m => (m.Name, m.Type, m.BitOffset, 0u)).ToArray());

    /// <summary>A struct whose members may be bitfields (kind flag set: bitfield size in the top byte of the offset).</summary>
    public static BtfBlob BitfieldStruct(this BtfBlob blob, string name, uint size, params (string Name, uint Type, uint BitOffset, uint Bits)[] members) =>
        blob.Composite(name, 4, size, true, members);

    public static BtfBlob Array(this BtfBlob blob, uint element, uint index, uint count) => blob.Type("", 3, 0, 0, false, element, index, count);

    public static BtfBlob Typedef(this BtfBlob blob, string name, uint target) => blob.Type(name, 8, 0, target);

    public static BtfBlob Pointer(this BtfBlob blob, uint target) => blob.Type("", 2, 0, target);

    public static BtfBlob FunctionPrototype(this BtfBlob blob, uint returnType, params uint[] parameterTypes) =>
        blob.Type("", 13, parameterTypes.Length, returnType, false, [.. parameterTypes.SelectMany(type => new[] { 0u, type })]);

    public static BtfBlob Forward(this BtfBlob blob, string name, bool isUnion) => blob.Type(name, 7, 0, 0, isUnion);

    public static BtfBlob Enum(this BtfBlob blob, string name, uint size, bool signed, params (string Name, uint Value)[] values)
    {
        var words = new List<uint>();
        foreach (var (valueName, value) in values) words.AddRange([blob.String(valueName), value]);
        return blob.Type(name, 6, values.Length, size, signed, [.. words]);
    }

    private static BtfBlob Composite(this BtfBlob blob, string name, int kind, uint size, bool kindFlag, (string Name, uint Type, uint BitOffset, uint Bits)[] members)
    {
        var words = new List<uint>();
        foreach (var member in members)
            words.AddRange([member.Name.Length == 0 ? 0 : blob.String(member.Name), member.Type, kindFlag ? member.Bits << 24 | member.BitOffset : member.BitOffset]);
        return blob.Type(name, kind, members.Length, size, kindFlag, [.. words]);
    }
}
