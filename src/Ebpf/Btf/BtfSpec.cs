namespace Ebpf.Btf;

/// <summary>
/// The types of one <c>.BTF</c> section, immutable: by id (index 0 is <c>void</c>), by name, and helpers that
/// see through typedefs and qualifiers and compute sizes the way the kernel does.
/// </summary>
public sealed class BtfSpec
{
    /// <summary>How many typedefs and qualifiers a resolution follows before it calls the chain a loop (libbpf's limit).</summary>
    public const int MaxResolveDepth = 32;

    private readonly BtfType[] _types;
    private readonly ReadOnlyMemory<byte> _strings;
    private readonly Dictionary<string, BtfType[]> _byName;

    internal BtfSpec(BtfType[] types, ReadOnlyMemory<byte> strings, BtfSpec? baseSpec = null)
    {
        _types = types;
        _strings = strings;
        Base = baseSpec;
        _byName = types.Where(t => t.Name.Length > 0 && t is not BtfVoid)
            .GroupBy(t => t.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>For split BTF (a kernel module's), the BTF it extends; null otherwise.</summary>
    public BtfSpec? Base { get; }

    /// <summary>The first type id this BTF defines itself: 1, or for split BTF the id after its base's last type.</summary>
    public int FirstOwnTypeId => Base is null ? 1 : Base.Types.Count;

    /// <summary>The raw string section (for split BTF: the base's strings followed by its own).</summary>
    internal ReadOnlyMemory<byte> StringSection => _strings;

    /// <summary>Every type by id; index 0 is <c>void</c>.</summary>
    public IReadOnlyList<BtfType> Types => _types;

    /// <summary>Parses a <c>.BTF</c> section; with a <paramref name="layout"/>, fills DATASEC sizes and VAR offsets from the ELF object.</summary>
    /// <exception cref="BtfFormatException">The data is malformed; the message says where.</exception>
    public static BtfSpec Parse(ReadOnlyMemory<byte> btf, BtfDataLayout? layout = null) => BtfReader.Read(btf, layout);

    /// <summary>
    /// Parses split BTF (such as a kernel module's <c>/sys/kernel/btf/&lt;module&gt;</c>) on top of <paramref name="baseSpec"/>:
    /// its type ids start after the base's last one, and the result holds the base's types too.
    /// </summary>
    /// <exception cref="BtfFormatException">The data is malformed; the message says where.</exception>
    public static BtfSpec ParseSplit(ReadOnlyMemory<byte> btf, BtfSpec baseSpec)
    {
        ArgumentNullException.ThrowIfNull(baseSpec);
        return BtfReader.Read(btf, null, baseSpec);
    }

    /// <summary>The type with id <paramref name="id"/>.</summary>
    /// <exception cref="BtfFormatException">No such type.</exception>
    public BtfType TypeById(uint id) =>
        id < (uint)_types.Length ? _types[id] : throw new BtfFormatException($"type id {id} does not exist (the BTF has {_types.Length - 1} types)");

    /// <summary>The types with the given name (several kinds may share a name), or none.</summary>
    public IReadOnlyList<BtfType> FindByName(string name) => _byName.TryGetValue(name, out var found) ? found : [];

    /// <summary>The only type of kind <typeparamref name="T"/> with the given name, or null.</summary>
    public T? FindByName<T>(string name) where T : BtfType => FindByName(name).OfType<T>().FirstOrDefault();

    /// <summary>The string at <paramref name="offset"/> of the BTF string section (BTF.ext refers to it).</summary>
    public string StringAt(uint offset, string what) => BtfBytes.String(_strings.Span, offset, what);

    /// <summary>The type behind typedefs, qualifiers and type tags.</summary>
    public BtfType Resolve(uint id) => Skip(id, includeTypedefs: true);

    /// <summary>The type behind qualifiers and type tags only (typedefs stay).</summary>
    public BtfType SkipQualifiers(uint id) => Skip(id, includeTypedefs: false);

    /// <summary>The size in bytes of a value of the type, as the kernel computes it (pointers are 8 bytes).</summary>
    /// <exception cref="BtfFormatException">The type has no size (void, function, forward declaration) or its chain loops.</exception>
    public uint SizeOf(uint id)
    {
        ulong multiplier = 1;
        for (int depth = 0; depth <= MaxResolveDepth; depth++)
        {
            var type = TypeById(id);
            ulong size;
            switch (type)
            {
                case BtfReference reference when reference.IsQualifier || reference.ReferenceKind == BtfKind.Typedef:
                    id = reference.TargetId;
                    continue;
                case BtfReference:
                    size = 8;
                    break;
                case BtfArray array:
                    multiplier *= array.ElementCount;
                    if (multiplier > uint.MaxValue) multiplier = (ulong)uint.MaxValue + 1;
                    id = array.ElementTypeId;
                    continue;
                case BtfInt integer: size = integer.Size; break;
                case BtfFloat number: size = number.Size; break;
                case BtfComposite composite: size = composite.Size; break;
                case BtfEnum enumeration: size = enumeration.Size; break;
                case BtfDataSection section: size = section.Size; break;
                case BtfVariable variable:
                    id = variable.TypeId;
                    continue;
                default:
                    throw new BtfFormatException($"type {id} ({type.Kind} '{type.Name}') has no size");
            }
            ulong total = size * multiplier;
            if (total > uint.MaxValue) throw new BtfFormatException($"type {id} is larger than 4 GiB");
            return (uint)total;
        }
        throw new BtfFormatException($"type {id}: more than {MaxResolveDepth} levels of typedefs, qualifiers or arrays (a loop?)");
    }

    private BtfType Skip(uint id, bool includeTypedefs)
    {
        for (int depth = 0; depth <= MaxResolveDepth; depth++)
        {
            var type = TypeById(id);
            if (type is BtfReference reference && (reference.IsQualifier || includeTypedefs && reference.ReferenceKind == BtfKind.Typedef))
                id = reference.TargetId;
            else
                return type;
        }
        throw new BtfFormatException($"type {id}: more than {MaxResolveDepth} levels of typedefs or qualifiers (a loop?)");
    }
}
