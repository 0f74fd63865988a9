using Ebpf.Btf;
using Ebpf.Maps;

namespace Ebpf.Linux.Kernel;

/// <summary>
/// Finds the BTF type ids that describe a map's key and value, as libbpf passes them to <c>BPF_MAP_CREATE</c>: for a
/// map defined in <c>.maps</c>, the targets of its definition's <c>key</c> and <c>value</c> pointer members; for a global
/// data map (<c>.data</c>, <c>.rodata</c>, <c>.bss</c>), no key type and the section's DATASEC as the value type.
/// </summary>
internal static class MapBtfTypes
{
    /// <summary>The (key, value) type ids for <paramref name="map"/>, or null when the BTF does not describe it.</summary>
    public static (uint Key, uint Value)? Find(BtfSpec btf, MapSpec map)
    {
        if (btf.FindByName<BtfDataSection>(map.Name) is { } dataSection)
            return dataSection.Size == map.ValueSize ? (0u, dataSection.Id) : null;
        if (btf.FindByName<BtfDataSection>(".maps") is not { } maps) return null;
        foreach (var entry in maps.Variables)
        {
            if (btf.TypeById(entry.VariableId) is not BtfVariable variable || variable.Name != map.Name) continue;
            if (btf.Resolve(variable.TypeId) is not BtfComposite definition) return null;
            uint key = PointerTarget(btf, definition, "key");
            uint value = PointerTarget(btf, definition, "value");
            if (key == 0 || value == 0) return null;
            try
            {
                return btf.SizeOf(key) == map.KeySize && btf.SizeOf(value) == map.ValueSize ? (key, value) : null;
            }
            catch (BtfFormatException)
            {
                return null;
            }
        }
        return null;
    }

    private static uint PointerTarget(BtfSpec btf, BtfComposite definition, string member)
    {
        var field = definition.Members.FirstOrDefault(m => m.Name == member);
        return field is not null && btf.Resolve(field.TypeId) is BtfReference { ReferenceKind: BtfKind.Pointer } pointer ? pointer.TargetId : 0;
    }
}
