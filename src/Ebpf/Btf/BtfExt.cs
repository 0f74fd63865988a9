namespace Ebpf.Btf;

/// <summary>
/// The parsed <c>.BTF.ext</c> section: function, line and CO-RE relocation records per ELF code section, with
/// instruction indexes relative to the start of that section.
/// </summary>
public sealed class BtfExt
{
    /// <summary>BTF.ext with no records.</summary>
    public static BtfExt Empty { get; } = new(new Dictionary<string, IReadOnlyList<BtfFunctionInfo>>(),
        new Dictionary<string, IReadOnlyList<BtfLineInfo>>(), new Dictionary<string, IReadOnlyList<BtfCoreRelocation>>());

    internal BtfExt(IReadOnlyDictionary<string, IReadOnlyList<BtfFunctionInfo>> functions,
        IReadOnlyDictionary<string, IReadOnlyList<BtfLineInfo>> lines,
        IReadOnlyDictionary<string, IReadOnlyList<BtfCoreRelocation>> coreRelocations)
    {
        FunctionInfos = functions;
        LineInfos = lines;
        CoreRelocations = coreRelocations;
    }

    /// <summary>Function records by code section name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<BtfFunctionInfo>> FunctionInfos { get; }

    /// <summary>Line records by code section name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<BtfLineInfo>> LineInfos { get; }

    /// <summary>CO-RE relocation records by code section name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<BtfCoreRelocation>> CoreRelocations { get; }

    /// <summary>Parses <c>.BTF.ext</c>; names and line texts come from the string section of <paramref name="btf"/>.</summary>
    /// <exception cref="BtfFormatException">The data is malformed; the message says where.</exception>
    public static BtfExt Parse(ReadOnlyMemory<byte> ext, BtfSpec btf) => BtfExtReader.Read(ext.Span, btf);
}
