namespace Ebpf.Btf;

/// <summary>
/// Fills what clang leaves as 0 in <c>.o</c> files, as libbpf does before loading: a DATASEC's size from its ELF
/// section, each variable's offset from its symbol; then orders the variables by offset.
/// </summary>
internal static class BtfDataSectionFixup
{
    public static void Apply(BtfType[] types, BtfDataLayout layout)
    {
        for (int i = 0; i < types.Length; i++)
        {
            if (types[i] is not BtfDataSection section) continue;
            uint size = section.Size == 0 && layout.SectionSizes.TryGetValue(section.Name, out uint sectionSize) ? sectionSize : section.Size;
            var variables = section.Variables.Select(variable =>
            {
                string name = types[variable.VariableId] is BtfVariable var ? var.Name : "";
                return layout.VariableOffsets.TryGetValue((section.Name, name), out uint offset) ? variable with { Offset = offset } : variable;
            }).OrderBy(v => v.Offset).ToArray();
            foreach (var variable in variables)
                if (layout.SectionSizes.ContainsKey(section.Name) && (ulong)variable.Offset + variable.Size > size)
                    throw new BtfFormatException($"DATASEC '{section.Name}': variable {variable.VariableId} (offset {variable.Offset}, size {variable.Size}) lies outside the {size}-byte section");
            types[i] = section with { Size = size, Variables = variables };
        }
    }
}
