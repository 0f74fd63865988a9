namespace Ebpf.Btf.Core;

/// <summary>
/// Turns a relocation's access string (<c>0:1:2:3</c>) into a <see cref="CoreSpec"/> in the local BTF, checking
/// every index against the types it walks through (libbpf's <c>bpf_core_parse_spec</c>).
/// </summary>
internal static class CoreSpecParser
{
    /// <exception cref="CoreRelocationFailure">The access string is malformed or does not fit the local types.</exception>
    public static CoreSpec Parse(BtfSpec btf, BtfCoreRelocation relocation)
    {
        string access = relocation.AccessString;
        if (access.Length == 0 || access[0] == ':')
            throw new CoreRelocationFailure($"the access string \"{access}\" is empty or starts with ':'");
        var spec = new CoreSpec(btf, relocation.TypeId, relocation.Kind);
        if (CoreRelocationKinds.IsTypeBased(relocation.Kind))
        {
            if (access != "0") throw new CoreRelocationFailure($"a type relocation needs the access string \"0\", not \"{access}\"");
            return spec;
        }
        if (!CoreRelocationKinds.IsFieldBased(relocation.Kind) && !CoreRelocationKinds.IsEnumValueBased(relocation.Kind))
            throw new CoreRelocationFailure($"unknown relocation kind {(uint)relocation.Kind}");

        spec.Raw.AddRange(ParseIndexes(access));
        var root = Resolve(btf, relocation.TypeId);
        int first = spec.Raw[0];
        spec.Accessors.Add(new CoreAccessor(root.Id, first, null));

        if (CoreRelocationKinds.IsEnumValueBased(relocation.Kind))
        {
            if (root is not BtfEnum enumeration || spec.Raw.Count > 1 || first >= enumeration.Values.Count)
                throw new CoreRelocationFailure($"\"{access}\" does not name one enumerator of {CoreTypeText.KindAndName(root)}");
            spec.Accessors[0] = new CoreAccessor(root.Id, first, enumeration.Values[first].Name);
            return spec;
        }

        uint id = root.Id;
        spec.BitOffset = first * SizeOf(btf, id) * 8;
        for (int i = 1; i < spec.Raw.Count; i++)
        {
            var type = Resolve(btf, id);
            id = type.Id;
            int index = spec.Raw[i];
            switch (type)
            {
                case BtfComposite composite:
                {
                    if (index >= composite.Members.Count)
                        throw new CoreRelocationFailure($"\"{access}\": {CoreTypeText.KindAndName(composite)} has {composite.Members.Count} members, no member {index}");
                    var member = composite.Members[index];
                    spec.BitOffset += member.BitOffset;
                    if (member.Name.Length > 0) spec.Accessors.Add(new CoreAccessor(composite.Id, index, member.Name));
                    id = member.TypeId;
                    break;
                }
                case BtfArray array:
                {
                    var element = Resolve(btf, array.ElementTypeId);
                    bool flexible = IsFlexibleArray(btf, spec.Accessors[^1], array);
                    if (!flexible && index >= array.ElementCount)
                        throw new CoreRelocationFailure($"\"{access}\": index {index} is past the end of an array of {array.ElementCount}");
                    id = element.Id;
                    spec.Accessors.Add(new CoreAccessor(id, index, null));
                    spec.BitOffset += index * SizeOf(btf, id) * 8;
                    break;
                }
                default:
                    throw new CoreRelocationFailure($"\"{access}\" (at index {i}) goes into [{type.Id}] {CoreTypeText.KindAndName(type)}, which has no members or elements");
            }
            if (spec.Accessors.Count > CoreSpec.MaxLength)
                throw new CoreRelocationFailure($"\"{access}\" is nested more than {CoreSpec.MaxLength} levels deep");
        }
        return spec;
    }

    /// <summary>A zero-length array that is the last member of a struct (reached through a named member) may be indexed freely.</summary>
    public static bool IsFlexibleArray(BtfSpec btf, CoreAccessor previous, BtfArray array) =>
        previous.Name is not null && array.ElementCount == 0
        && btf.TypeById(previous.TypeId) is BtfComposite owner && previous.Index == owner.Members.Count - 1;

    /// <summary>The type behind typedefs and qualifiers; a chain that loops is a failure.</summary>
    public static BtfType Resolve(BtfSpec btf, uint id)
    {
        try
        {
            return btf.Resolve(id);
        }
        catch (BtfFormatException error)
        {
            throw new CoreRelocationFailure(error.Message);
        }
    }

    /// <summary>The size of a type in bytes; a type without one (void, a function, a forward declaration) is a failure.</summary>
    public static long SizeOf(BtfSpec btf, uint id)
    {
        try
        {
            return btf.SizeOf(id);
        }
        catch (BtfFormatException error)
        {
            throw new CoreRelocationFailure(error.Message);
        }
    }

    private static List<int> ParseIndexes(string access)
    {
        var indexes = new List<int>();
        foreach (string part in access.Split(':'))
        {
            if (part.Length == 0 || !part.All(char.IsAsciiDigit) || !int.TryParse(part, out int index))
                throw new CoreRelocationFailure($"the access string \"{access}\" is not a list of non-negative numbers separated by ':'");
            if (indexes.Count == CoreSpec.MaxLength)
                throw new CoreRelocationFailure($"the access string \"{access}\" has more than {CoreSpec.MaxLength} levels");
            indexes.Add(index);
        }
        return indexes;
    }
}
