namespace Ebpf.Btf.Core;

/// <summary>The three families of CO-RE relocation kinds, and the names libbpf prints for each kind.</summary>
internal static class CoreRelocationKinds
{
    /// <summary>Field relocations: offset, size, existence, signedness and bitfield shifts of a member or array element.</summary>
    public static bool IsFieldBased(BtfCoreRelocationKind kind) => kind is BtfCoreRelocationKind.FieldByteOffset
        or BtfCoreRelocationKind.FieldByteSize or BtfCoreRelocationKind.FieldExists or BtfCoreRelocationKind.FieldSigned
        or BtfCoreRelocationKind.FieldLeftShift or BtfCoreRelocationKind.FieldRightShift;

    /// <summary>Type relocations: ids, existence, match and size of a whole type (access string "0").</summary>
    public static bool IsTypeBased(BtfCoreRelocationKind kind) => kind is BtfCoreRelocationKind.TypeIdLocal
        or BtfCoreRelocationKind.TypeIdTarget or BtfCoreRelocationKind.TypeExists or BtfCoreRelocationKind.TypeMatches
        or BtfCoreRelocationKind.TypeSize;

    /// <summary>Enumerator relocations: existence and value of one named enumerator.</summary>
    public static bool IsEnumValueBased(BtfCoreRelocationKind kind) =>
        kind is BtfCoreRelocationKind.EnumValueExists or BtfCoreRelocationKind.EnumValue;

    /// <summary>libbpf's short name of the kind, as its debug log prints it.</summary>
    public static string Name(BtfCoreRelocationKind kind) => kind switch
    {
        BtfCoreRelocationKind.FieldByteOffset => "byte_off",
        BtfCoreRelocationKind.FieldByteSize => "byte_sz",
        BtfCoreRelocationKind.FieldExists => "field_exists",
        BtfCoreRelocationKind.FieldSigned => "signed",
        BtfCoreRelocationKind.FieldLeftShift => "lshift_u64",
        BtfCoreRelocationKind.FieldRightShift => "rshift_u64",
        BtfCoreRelocationKind.TypeIdLocal => "local_type_id",
        BtfCoreRelocationKind.TypeIdTarget => "target_type_id",
        BtfCoreRelocationKind.TypeExists => "type_exists",
        BtfCoreRelocationKind.TypeMatches => "type_matches",
        BtfCoreRelocationKind.TypeSize => "type_size",
        BtfCoreRelocationKind.EnumValueExists => "enumval_exists",
        BtfCoreRelocationKind.EnumValue => "enumval_value",
        _ => $"unknown kind {(uint)kind}",
    };
}
