namespace Ebpf.Btf.Core;

/// <summary>
/// Computes a relocation's value in one spec (local or target) and combines the two into an outcome, with libbpf's
/// rules (<c>bpf_core_calc_relo</c>): missing fields and enumerators poison, except existence checks which give 0;
/// missing types give 0; bitfields are read through the smallest aligned load that holds them.
/// </summary>
internal static class CoreValueCalculator
{
    /// <summary>The outcome for a relocation whose target spec is <paramref name="target"/> (null: no candidate fits).</summary>
    public static CoreRelocationOutcome Calculate(CoreSpec local, CoreSpec? target)
    {
        var kind = local.Kind;
        if (CoreRelocationKinds.IsFieldBased(kind))
        {
            var original = Field(local, validating: true);
            if (target is null && kind != BtfCoreRelocationKind.FieldExists) return new CoreRelocationOutcome { OriginalValue = original.Value, Poison = true, Validate = original.Validate };
            var resolved = target is null ? new FieldValue(0, 0, 0, true) : Field(target, validating: false);
            if (kind == BtfCoreRelocationKind.FieldExists) resolved = resolved with { Value = target is null ? 0ul : 1ul };
            bool adjustFails = original.Size != resolved.Size && !SizeChangeIsSafe(local.Btf, original.TypeId, target!.Btf, resolved.TypeId);
            return new CoreRelocationOutcome
            {
                OriginalValue = original.Value, NewValue = resolved.Value, Validate = original.Validate,
                OriginalSize = original.Size, NewSize = resolved.Size, MemorySizeAdjustFails = adjustFails,
            };
        }
        if (CoreRelocationKinds.IsTypeBased(kind))
        {
            ulong originalValue = Type(local);
            // A type id may change when objects are linked, so the compiler's id is never checked.
            bool validate = kind != BtfCoreRelocationKind.TypeIdTarget;
            ulong newValue = target is null ? 0 : Type(target);
            return new CoreRelocationOutcome { OriginalValue = originalValue, NewValue = newValue, Validate = validate };
        }
        ulong localEnum = EnumValue(local);
        if (target is null)
            return kind == BtfCoreRelocationKind.EnumValueExists
                ? new CoreRelocationOutcome { OriginalValue = localEnum, NewValue = 0 }
                : new CoreRelocationOutcome { OriginalValue = localEnum, Poison = true };
        return new CoreRelocationOutcome { OriginalValue = localEnum, NewValue = EnumValue(target) };
    }

    private readonly record struct FieldValue(ulong Value, uint Size, uint TypeId, bool Validate);

    private static FieldValue Field(CoreSpec spec, bool validating)
    {
        var kind = spec.Kind;
        if (kind == BtfCoreRelocationKind.FieldExists) return new FieldValue(1, 0, 0, true);
        var last = spec.Last;
        if (last.Name is null)
        {
            // An array element a[n]: only its offset and size mean anything.
            uint elementSize = (uint)CoreSpecParser.SizeOf(spec.Btf, last.TypeId);
            return kind switch
            {
                BtfCoreRelocationKind.FieldByteOffset => new FieldValue((ulong)(spec.BitOffset / 8), elementSize, last.TypeId, true),
                BtfCoreRelocationKind.FieldByteSize => new FieldValue(elementSize, 0, 0, true),
                _ => throw new CoreRelocationFailure($"a {CoreRelocationKinds.Name(kind)} relocation cannot apply to an array element"),
            };
        }

        var composite = (BtfComposite)spec.Btf.TypeById(last.TypeId);
        var member = composite.Members[last.Index];
        var memberType = CoreSpecParser.Resolve(spec.Btf, member.TypeId);
        long bitOffset = spec.BitOffset;
        uint bitSize = member.BitfieldSize;
        bool bitfield = bitSize > 0;
        uint byteSize;
        long byteOffset;
        if (bitfield)
        {
            byteSize = memberType switch
            {
                BtfInt integer => integer.Size,
                BtfEnum enumeration => enumeration.Size,
                _ => throw new CoreRelocationFailure($"bitfield '{member.Name}' has type {CoreTypeText.KindAndName(memberType)}, not an integer or enum"),
            };
            byteOffset = bitOffset / 8 / byteSize * byteSize;
            // Widen the load until it holds every bit of the field.
            while (bitOffset + bitSize - byteOffset * 8 > byteSize * 8)
            {
                if (byteSize >= 8) throw new CoreRelocationFailure($"bitfield '{member.Name}' cannot be read with one 64-bit load");
                byteSize *= 2;
                byteOffset = bitOffset / 8 / byteSize * byteSize;
            }
        }
        else
        {
            byteSize = (uint)CoreSpecParser.SizeOf(spec.Btf, memberType.Id);
            byteOffset = bitOffset / 8;
            bitSize = byteSize * 8;
        }

        // Bitfield offsets and sizes are the compiler's choice and may differ from ours, so only signedness and the
        // right shift are checked for them.
        bool validate = !bitfield;
        return kind switch
        {
            BtfCoreRelocationKind.FieldByteOffset => bitfield
                ? new FieldValue((ulong)byteOffset, 0, 0, validate)
                : new FieldValue((ulong)byteOffset, byteSize, memberType.Id, validate),
            BtfCoreRelocationKind.FieldByteSize => new FieldValue(byteSize, 0, 0, validate),
            BtfCoreRelocationKind.FieldSigned => new FieldValue(IsSigned(memberType) ? 1ul : 0ul, 0, 0, true),
            BtfCoreRelocationKind.FieldLeftShift => new FieldValue((ulong)(64 - (bitOffset + bitSize - byteOffset * 8)), 0, 0, validate),
            BtfCoreRelocationKind.FieldRightShift => new FieldValue(64 - bitSize, 0, 0, true),
            _ => throw new CoreRelocationFailure($"unknown field relocation kind {(uint)kind}"),
        };
    }

    private static bool IsSigned(BtfType type) =>
        type is BtfEnum { IsSigned: true } || type is BtfInt integer && (integer.Encoding & BtfIntEncoding.Signed) != 0;

    /// <summary>A load or store may change width for pointers, or for unsigned integers (zero extension keeps the value).</summary>
    private static bool SizeChangeIsSafe(BtfSpec localBtf, uint localTypeId, BtfSpec targetBtf, uint targetTypeId)
    {
        var local = localBtf.TypeById(localTypeId);
        var target = targetBtf.TypeById(targetTypeId);
        if (local.Kind == BtfKind.Pointer && target.Kind == BtfKind.Pointer) return true;
        return local is BtfInt localInt && target is BtfInt targetInt
            && localInt.Encoding != BtfIntEncoding.Signed && targetInt.Encoding != BtfIntEncoding.Signed;
    }

    private static ulong Type(CoreSpec spec) => spec.Kind switch
    {
        BtfCoreRelocationKind.TypeIdLocal or BtfCoreRelocationKind.TypeIdTarget => spec.RootTypeId,
        BtfCoreRelocationKind.TypeExists or BtfCoreRelocationKind.TypeMatches => 1,
        BtfCoreRelocationKind.TypeSize => (ulong)CoreSpecParser.SizeOf(spec.Btf, spec.RootTypeId),
        _ => throw new CoreRelocationFailure($"unknown type relocation kind {(uint)spec.Kind}"),
    };

    private static ulong EnumValue(CoreSpec spec)
    {
        if (spec.Kind == BtfCoreRelocationKind.EnumValueExists) return 1;
        var accessor = spec.Accessors[0];
        return CoreEnumValues.ValueOf((BtfEnum)spec.Btf.TypeById(accessor.TypeId), accessor.Index);
    }
}
