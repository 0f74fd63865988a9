using Ebpf.Btf;
using Ebpf.Maps;

namespace Ebpf.Elf;

/// <summary>One map of the <c>.maps</c> section: its spec, where its variable lies and where its <c>values</c> member starts.</summary>
internal sealed record BtfMapDefinition(MapSpec Map, uint Offset, uint Size, uint? ValuesOffset);

/// <summary>
/// Reads BTF-defined maps: the variables of the <c>.maps</c> DATASEC, each a struct whose members encode attributes
/// as libbpf's macros do: <c>__uint(name, n)</c> is a pointer to an array of n elements, <c>__type(name, T)</c> a pointer
/// to T (its size is the attribute), <c>__array(values, T)</c> an empty array of pointers to T.
/// </summary>
internal static class BtfMapDefinitions
{
    public static IReadOnlyList<BtfMapDefinition> Read(BtfSpec btf, string sectionName)
    {
        var section = btf.FindByName<BtfDataSection>(sectionName)
            ?? throw new ElfFormatException($"section '{sectionName}' has no BTF DATASEC describing its maps");
        var maps = new List<BtfMapDefinition>(section.Variables.Count);
        foreach (var entry in section.Variables)
        {
            if (btf.TypeById(entry.VariableId) is not BtfVariable variable)
                throw new ElfFormatException($"BTF DATASEC '{sectionName}' entry {entry.VariableId} is not a VAR");
            var (map, valuesOffset) = ReadDefinition(btf, variable.Name, variable.TypeId);
            maps.Add(new BtfMapDefinition(map, entry.Offset, entry.Size, valuesOffset));
        }
        return maps;
    }

    private static (MapSpec Map, uint? ValuesOffset) ReadDefinition(BtfSpec btf, string name, uint typeId, int depth = 0)
    {
        if (btf.Resolve(typeId) is not BtfComposite { IsUnion: false } definition)
            throw new ElfFormatException($"map '{name}': its BTF type is not a struct");
        uint type = 0, keySize = 0, valueSize = 0, maxEntries = 0, flags = 0, pinning = 0;
        ulong mapExtra = 0;
        uint? valuesOffset = null;
        MapSpec? inner = null;
        foreach (var member in definition.Members)
        {
            string where = $"map '{name}' attribute '{member.Name}'";
            switch (member.Name)
            {
                case "type": type = Number(btf, member, where); break;
                case "max_entries": maxEntries = Number(btf, member, where); break;
                case "map_flags": flags = Number(btf, member, where); break;
                case "pinning": pinning = Number(btf, member, where); break;
                case "map_extra": mapExtra = Number64(btf, member, where); break;
                case "numa_node": Number(btf, member, where); break;
                case "key_size": keySize = SetSize(keySize, Number(btf, member, where), where); break;
                case "value_size": valueSize = SetSize(valueSize, Number(btf, member, where), where); break;
                case "key": keySize = SetSize(keySize, PointeeSize(btf, member, where), where); break;
                case "value": valueSize = SetSize(valueSize, PointeeSize(btf, member, where), where); break;
                case "values":
                    (inner, valuesOffset) = ReadValues(btf, name, member, where, depth);
                    valueSize = SetSize(valueSize, 4, where);
                    break;
            }
        }
        if (pinning > (uint)MapPinning.ByName) throw new ElfFormatException($"map '{name}': pinning {pinning} is neither none (0) nor by name (1)");
        var spec = new MapSpec(name, (MapType)type, keySize, valueSize, maxEntries, (MapCreationFlags)flags)
        {
            Pinning = (MapPinning)pinning,
            MapExtra = mapExtra,
            InnerMap = inner,
        };
        return (spec, valuesOffset);
    }

    private static (MapSpec? Inner, uint Offset) ReadValues(BtfSpec btf, string name, BtfMember member, string where, int depth)
    {
        if (btf.Resolve(member.TypeId) is not BtfArray { ElementCount: 0 } array)
            throw new ElfFormatException($"{where} is not declared with __array (an array of zero elements)");
        if (btf.Resolve(array.ElementTypeId) is not BtfReference { ReferenceKind: BtfKind.Pointer } pointer)
            throw new ElfFormatException($"{where}: the array elements are not pointers");
        MapSpec? inner = null;
        var target = btf.Resolve(pointer.TargetId);
        if (target is BtfComposite)
        {
            if (depth > 0) throw new ElfFormatException($"{where}: an inner map cannot itself hold maps");
            inner = ReadDefinition(btf, name + ".inner", pointer.TargetId, depth + 1).Map;
        }
        else if (target is not BtfFunctionPrototype)
            throw new ElfFormatException($"{where}: the elements point to {target.Kind}, neither a map definition nor a function");
        return (inner, member.BitOffset / 8);
    }

    /// <summary>A 32-bit attribute written with <c>__uint</c>.</summary>
    private static uint Number(BtfSpec btf, BtfMember member, string where)
    {
        ulong value = Number64(btf, member, where);
        return value <= uint.MaxValue ? (uint)value : throw new ElfFormatException($"{where} is {value}, more than 32 bits");
    }

    /// <summary><c>__uint(name, n)</c>: a pointer to an array of n elements; or an enum constant, as libbpf's <c>__ulong</c> writes 64-bit ones.</summary>
    private static ulong Number64(BtfSpec btf, BtfMember member, string where) => btf.Resolve(member.TypeId) switch
    {
        BtfReference { ReferenceKind: BtfKind.Pointer } pointer when btf.Resolve(pointer.TargetId) is BtfArray array => array.ElementCount,
        BtfEnum { Values.Count: 1 } constant => (ulong)constant.Values[0].Value,
        var other => throw new ElfFormatException($"{where} is a {other.Kind}, not a number written with __uint (a pointer to an array)"),
    };

    private static uint PointeeSize(BtfSpec btf, BtfMember member, string where) =>
        btf.Resolve(member.TypeId) is BtfReference { ReferenceKind: BtfKind.Pointer } pointer
            ? btf.SizeOf(pointer.TargetId)
            : throw new ElfFormatException($"{where} is not a type written with __type (a pointer to the type)");

    private static uint SetSize(uint current, uint size, string where) =>
        current == 0 || current == size ? size : throw new ElfFormatException($"{where}: size {size} contradicts the size {current} given before");
}
