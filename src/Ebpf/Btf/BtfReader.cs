namespace Ebpf.Btf;

/// <summary>Parses the header, type section and string section of <c>.BTF</c> (layouts from <c>linux/btf.h</c>).</summary>
internal static class BtfReader
{
    /// <summary>BTF_MAGIC.</summary>
    public const ushort Magic = 0xeB9F;

    private const int HeaderSize = 24;
    private const int TypeHeaderSize = 12;

    /// <summary>
    /// Parses <paramref name="btf"/>; with a <paramref name="baseSpec"/> it is split BTF (a kernel module's), whose type
    /// ids and string offsets continue those of the base.
    /// </summary>
    public static BtfSpec Read(ReadOnlyMemory<byte> btf, BtfDataLayout? layout, BtfSpec? baseSpec = null)
    {
        var data = btf.Span;
        ushort magic = BtfBytes.U16(data, 0, "the BTF magic");
        if (magic != Magic) throw new BtfFormatException($"magic 0x{magic:x4} is not 0x{Magic:x4} (big-endian BTF is not supported)");
        if (data.Length < HeaderSize) throw new BtfFormatException($"the section is {data.Length} bytes, shorter than the {HeaderSize}-byte header");
        if (data[2] != 1) throw new BtfFormatException($"version {data[2]} is not 1");
        uint headerLength = BtfBytes.U32(data, 4, "the header length");
        if (headerLength < HeaderSize || headerLength > data.Length)
            throw new BtfFormatException($"header length {headerLength} is not between {HeaderSize} and the section size {data.Length}");
        var body = data[(int)headerLength..];
        uint typeOffset = BtfBytes.U32(data, 8, "the type section offset");
        uint typeLength = BtfBytes.U32(data, 12, "the type section length");
        uint stringOffset = BtfBytes.U32(data, 16, "the string section offset");
        uint stringLength = BtfBytes.U32(data, 20, "the string section length");
        var typeBytes = BtfBytes.Slice(body, typeOffset, typeLength, "the type section");
        BtfBytes.Slice(body, stringOffset, stringLength, "the string section");
        var strings = btf.Slice((int)headerLength + (int)stringOffset, (int)stringLength);
        if (baseSpec is null && (stringLength == 0 || strings.Span[0] != 0))
            throw new BtfFormatException("the string section does not start with the empty string");
        // Split BTF names its strings by offsets past the end of the base's string section: one joined table serves both.
        if (baseSpec is not null) strings = (byte[])[.. baseSpec.StringSection.Span, .. strings.Span];

        var types = baseSpec is null ? new List<BtfType> { new BtfVoid() } : new List<BtfType>(baseSpec.Types);
        int firstOwnType = types.Count;
        var names = new BtfNameTable(strings);
        for (long offset = 0; offset < typeBytes.Length;)
            types.Add(ReadType(typeBytes, names, (uint)types.Count, ref offset));
        var array = types.ToArray();
        CheckReferences(array, firstOwnType);
        if (layout is not null) BtfDataSectionFixup.Apply(array, layout);
        return new BtfSpec(array, strings, baseSpec);
    }

    private static BtfType ReadType(ReadOnlySpan<byte> data, BtfNameTable strings, uint id, ref long offset)
    {
        string where = $"type {id} at type-section offset {offset}";
        uint nameOffset = BtfBytes.U32(data, offset, where);
        uint info = BtfBytes.U32(data, offset + 4, where);
        uint sizeOrType = BtfBytes.U32(data, offset + 8, where);
        long extra = offset + TypeHeaderSize;
        string name = strings.At(nameOffset, "the name", -1, where);
        int vlen = (int)(info & 0xffff);
        bool kindFlag = (info & 0x8000_0000) != 0;
        var kind = (BtfKind)((info >> 24) & 0x1f);
        BtfType type;
        switch (kind)
        {
            case BtfKind.Int:
            {
                uint encoding = BtfBytes.U32(data, extra, where);
                extra += 4;
                byte bits = (byte)(encoding & 0xff);
                if ((encoding & 0xff) > 128 || sizeOrType is not (1 or 2 or 4 or 8 or 16) || bits > sizeOrType * 8)
                    throw new BtfFormatException($"{where}: INT '{name}' has size {sizeOrType} and {encoding & 0xff} bits");
                type = new BtfInt(id, name, sizeOrType, (BtfIntEncoding)((encoding >> 24) & 0x0f), (byte)((encoding >> 16) & 0xff), bits);
                break;
            }
            case BtfKind.Pointer or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict or BtfKind.TypeTag:
                type = new BtfReference(id, name, kind, sizeOrType);
                break;
            case BtfKind.Array:
                type = new BtfArray(id, BtfBytes.U32(data, extra, where), BtfBytes.U32(data, extra + 4, where), BtfBytes.U32(data, extra + 8, where));
                extra += 12;
                break;
            case BtfKind.Struct or BtfKind.Union:
            {
                var members = new BtfMember[vlen];
                for (int i = 0; i < vlen; i++, extra += 12)
                {
                    uint memberOffset = BtfBytes.U32(data, extra + 8, where);
                    members[i] = new BtfMember(
                        strings.At(BtfBytes.U32(data, extra, where), "member", i, where),
                        BtfBytes.U32(data, extra + 4, where),
                        kindFlag ? memberOffset & 0xff_ffff : memberOffset,
                        kindFlag ? (byte)(memberOffset >> 24) : (byte)0);
                }
                type = new BtfComposite(id, name, kind == BtfKind.Union, sizeOrType, members);
                break;
            }
            case BtfKind.Enum or BtfKind.Enum64:
            {
                bool is64 = kind == BtfKind.Enum64;
                var values = new BtfEnumValue[vlen];
                for (int i = 0; i < vlen; i++)
                {
                    string valueName = strings.At(BtfBytes.U32(data, extra, where), "value", i, where);
                    uint low = BtfBytes.U32(data, extra + 4, where);
                    long value = is64
                        ? (long)((ulong)BtfBytes.U32(data, extra + 8, where) << 32 | low)
                        : kindFlag ? (int)low : low;
                    values[i] = new BtfEnumValue(valueName, value);
                    extra += is64 ? 12 : 8;
                }
                type = new BtfEnum(id, name, is64, sizeOrType, kindFlag, values);
                break;
            }
            case BtfKind.Forward:
                type = new BtfForward(id, name, kindFlag);
                break;
            case BtfKind.Function:
                if (vlen > 2) throw new BtfFormatException($"{where}: FUNC '{name}' has linkage {vlen}, not 0, 1 or 2");
                type = new BtfFunction(id, name, (BtfLinkage)vlen, sizeOrType);
                break;
            case BtfKind.FunctionPrototype:
            {
                var parameters = new BtfParameter[vlen];
                for (int i = 0; i < vlen; i++, extra += 8)
                    parameters[i] = new BtfParameter(
                        strings.At(BtfBytes.U32(data, extra, where), "parameter", i, where),
                        BtfBytes.U32(data, extra + 4, where));
                type = new BtfFunctionPrototype(id, sizeOrType, parameters);
                break;
            }
            case BtfKind.Variable:
            {
                uint linkage = BtfBytes.U32(data, extra, where);
                extra += 4;
                if (linkage > 2) throw new BtfFormatException($"{where}: VAR '{name}' has linkage {linkage}, not 0, 1 or 2");
                type = new BtfVariable(id, name, sizeOrType, (BtfLinkage)linkage);
                break;
            }
            case BtfKind.DataSection:
            {
                var variables = new BtfSectionVariable[vlen];
                for (int i = 0; i < vlen; i++, extra += 12)
                    variables[i] = new BtfSectionVariable(BtfBytes.U32(data, extra, where), BtfBytes.U32(data, extra + 4, where), BtfBytes.U32(data, extra + 8, where));
                type = new BtfDataSection(id, name, sizeOrType, variables);
                break;
            }
            case BtfKind.Float:
                type = new BtfFloat(id, name, sizeOrType);
                break;
            case BtfKind.DeclarationTag:
                type = new BtfDeclarationTag(id, name, sizeOrType, (int)BtfBytes.U32(data, extra, where));
                extra += 4;
                break;
            default:
                throw new BtfFormatException($"{where} has unknown kind {(int)kind}");
        }
        offset = extra;
        return type;
    }

    /// <summary>Checks that every type id a type refers to exists, so later lookups cannot fail on a dangling id.</summary>
    private static void CheckReferences(BtfType[] types, int firstOwnType)
    {
        void Check(BtfType owner, uint target, string role)
        {
            if (target >= (uint)types.Length)
                throw new BtfFormatException($"type {owner.Id} ({owner.Kind} '{owner.Name}') refers to {role} type {target}, which does not exist ({types.Length - 1} types)");
        }
        foreach (var type in types.AsSpan(firstOwnType))
        {
            switch (type)
            {
                case BtfReference reference: Check(type, reference.TargetId, "target"); break;
                case BtfArray array: Check(type, array.ElementTypeId, "element"); Check(type, array.IndexTypeId, "index"); break;
                case BtfComposite composite: foreach (var member in composite.Members) Check(type, member.TypeId, $"member '{member.Name}'"); break;
                case BtfFunction function: Check(type, function.PrototypeId, "prototype"); break;
                case BtfFunctionPrototype prototype:
                    Check(type, prototype.ReturnTypeId, "return");
                    foreach (var parameter in prototype.Parameters) Check(type, parameter.TypeId, $"parameter '{parameter.Name}'");
                    break;
                case BtfVariable variable: Check(type, variable.TypeId, "variable"); break;
                case BtfDataSection section: foreach (var variable in section.Variables) Check(type, variable.VariableId, "section variable"); break;
                case BtfDeclarationTag tag: Check(type, tag.TargetId, "tagged"); break;
            }
        }
    }
}
