namespace Ebpf.Btf.Core;

/// <summary>
/// One step of a CO-RE access that carries meaning across BTFs: a named member (of the struct or union
/// <paramref name="TypeId"/>) or an array index (into elements of type <paramref name="TypeId"/>).
/// </summary>
/// <param name="TypeId">The struct or union holding the member, or the (resolved) array element type.</param>
/// <param name="Index">The member index, enumerator index or array index.</param>
/// <param name="Name">The member or enumerator name; null for an array index.</param>
internal readonly record struct CoreAccessor(uint TypeId, int Index, string? Name);

/// <summary>
/// A CO-RE access resolved in one BTF (libbpf's <c>bpf_core_spec</c>): the high-level accessors (named members and
/// array indexes), the raw access string with every anonymous level, and the bit offset it reaches.
/// </summary>
internal sealed class CoreSpec(BtfSpec btf, uint rootTypeId, BtfCoreRelocationKind kind)
{
    /// <summary>The most accessors (raw or high-level) one access may have, as in libbpf.</summary>
    public const int MaxLength = 64;

    /// <summary>The BTF the spec is resolved in.</summary>
    public BtfSpec Btf { get; } = btf;

    /// <summary>The root type as the relocation (or candidate) names it, typedefs and qualifiers not skipped.</summary>
    public uint RootTypeId { get; } = rootTypeId;

    /// <summary>The relocation kind.</summary>
    public BtfCoreRelocationKind Kind { get; } = kind;

    /// <summary>The named members and array indexes along the access.</summary>
    public List<CoreAccessor> Accessors { get; } = [];

    /// <summary>The raw access: one index per level, anonymous members included.</summary>
    public List<int> Raw { get; } = [];

    /// <summary>The bit offset of the accessed field from the start of the root pointer's target.</summary>
    public long BitOffset { get; set; }

    /// <summary>The last accessor (the field or element the relocation is about).</summary>
    public CoreAccessor Last => Accessors[^1];

    /// <summary>libbpf's debug form: <c>[id] struct name.field[3] (0:1:3 @ offset 12)</c>.</summary>
    public override string ToString()
    {
        var root = Btf.TypeById(RootTypeId);
        var text = new System.Text.StringBuilder($"[{RootTypeId}] {CoreTypeText.KindAndName(root)}");
        if (CoreRelocationKinds.IsTypeBased(Kind)) return text.ToString();
        if (CoreRelocationKinds.IsEnumValueBased(Kind))
        {
            var enumeration = (BtfEnum)Btf.Resolve(RootTypeId);
            var value = enumeration.Values[Raw[0]];
            return text.Append($"::{value.Name} = {CoreEnumValues.ValueOf(enumeration, Raw[0])}").ToString();
        }
        for (int i = 0; i < Accessors.Count; i++)
        {
            if (Accessors[i].Name is { } name) text.Append('.').Append(name);
            else if (i > 0 || Accessors[i].Index > 0) text.Append('[').Append(Accessors[i].Index).Append(']');
        }
        text.Append(" (").Append(string.Join(':', Raw));
        text.Append(BitOffset % 8 == 0 ? $" @ offset {BitOffset / 8})" : $" @ offset {BitOffset / 8}.{BitOffset % 8})");
        return text.ToString();
    }
}

/// <summary>How libbpf names a type in its CO-RE log: kind and name, <c>&lt;anon&gt;</c> for an anonymous one.</summary>
internal static class CoreTypeText
{
    /// <summary>For example <c>struct task_struct</c>, <c>typedef pid_t</c>, <c>enum &lt;anon&gt;</c>.</summary>
    public static string KindAndName(BtfType type)
    {
        string kind = type.Kind switch
        {
            BtfKind.Struct => "struct",
            BtfKind.Union => "union",
            BtfKind.Enum => "enum",
            BtfKind.Enum64 => "enum64",
            BtfKind.Typedef => "typedef",
            BtfKind.Int => "int",
            BtfKind.Pointer => "ptr",
            BtfKind.Array => "array",
            BtfKind.Forward => "fwd",
            BtfKind.Float => "float",
            BtfKind.FunctionPrototype => "func_proto",
            BtfKind.Void => "void",
            var other => other.ToString().ToLowerInvariant(),
        };
        return type is BtfVoid ? "void" : $"{kind} {(type.Name.Length == 0 ? "<anon>" : type.Name)}";
    }
}

/// <summary>Enumerator values as libbpf reads them: a 32-bit enumerator sign-extends (its <c>val</c> is <c>__s32</c>).</summary>
internal static class CoreEnumValues
{
    /// <summary>The 64-bit value of enumerator <paramref name="index"/>.</summary>
    public static ulong ValueOf(BtfEnum enumeration, int index)
    {
        long value = enumeration.Values[index].Value;
        return enumeration.Is64 ? unchecked((ulong)value) : unchecked((ulong)(long)(int)(uint)value);
    }
}
