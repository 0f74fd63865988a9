namespace Ebpf.Btf;

/// <summary>
/// What the ELF object knows about data sections that clang leaves out of BTF in <c>.o</c> files: section sizes
/// (DATASEC sizes are 0 for some sections) and variable offsets (VAR offsets are 0). libbpf fills both in before
/// loading; <see cref="BtfSpec.Parse"/> does the same when given a layout.
/// </summary>
/// <param name="SectionSizes">The size of each ELF section, by name.</param>
/// <param name="VariableOffsets">The offset (symbol value) of each variable, by (section name, symbol name).</param>
public sealed record BtfDataLayout(
    IReadOnlyDictionary<string, uint> SectionSizes,
    IReadOnlyDictionary<(string Section, string Variable), uint> VariableOffsets);
