namespace Ebpf.Btf.Core;

/// <summary>
/// libbpf's "type match" relation behind <c>BPF_CORE_TYPE_MATCHES</c>, stricter than compatibility: names match
/// (modulo flavour) at every level; integers by size and signedness; enums by every local enumerator's name and by
/// size; structs and unions by every local member (name and, unless already behind a pointer, type); arrays by
/// length and element; function prototypes by parameters and return type. Behind a pointer a struct or union also
/// matches a forward declaration of the same kind.
/// </summary>
internal static class CoreTypeMatch
{
    private const int MaxLevel = 32;

    /// <summary>Whether <paramref name="localId"/> matches <paramref name="targetId"/> (the root names are already known to match).</summary>
    public static bool Matches(BtfSpec localBtf, uint localId, BtfSpec targetBtf, uint targetId) =>
        Matches(localBtf, localId, targetBtf, targetId, behindPointer: false, MaxLevel);

    private static bool Matches(BtfSpec localBtf, uint localId, BtfSpec targetBtf, uint targetId, bool behindPointer, int level)
    {
        if (level <= 0) throw new CoreRelocationFailure($"types nest more than {MaxLevel} levels deep");
        for (int depth = 32; depth > 0; depth--)
        {
            var local = CoreSpecParser.Resolve(localBtf, localId);
            var target = CoreSpecParser.Resolve(targetBtf, targetId);
            if (!NamesMatch(local.Name, target.Name)) return false;
            switch (local)
            {
                case BtfVoid:
                    return target is BtfVoid;
                case BtfForward forward:
                    if (target is BtfForward targetForward) return forward.IsUnion == targetForward.IsUnion;
                    return behindPointer && (target.Kind == BtfKind.Struct && !forward.IsUnion || target.Kind == BtfKind.Union && forward.IsUnion);
                case BtfEnum enumeration:
                    return target is BtfEnum targetEnum && EnumsMatch(enumeration, targetEnum);
                case BtfComposite composite:
                    if (behindPointer)
                        return composite.Kind == target.Kind || target is BtfForward targetFwd && targetFwd.IsUnion == composite.IsUnion;
                    return composite.Kind == target.Kind && MembersMatch(localBtf, composite, targetBtf, (BtfComposite)target, level);
                case BtfInt integer:
                    return target is BtfInt targetInt && integer.Bits == targetInt.Bits
                        && (integer.Encoding & BtfIntEncoding.Signed) == (targetInt.Encoding & BtfIntEncoding.Signed);
                case BtfReference pointer:
                    if (target is not BtfReference targetPointer) return false;
                    behindPointer = true;
                    localId = pointer.TargetId;
                    targetId = targetPointer.TargetId;
                    continue;
                case BtfArray array:
                    if (target is not BtfArray targetArray || array.ElementCount != targetArray.ElementCount) return false;
                    localId = array.ElementTypeId;
                    targetId = targetArray.ElementTypeId;
                    continue;
                case BtfFunctionPrototype prototype:
                {
                    if (target is not BtfFunctionPrototype targetPrototype || prototype.Parameters.Count != targetPrototype.Parameters.Count)
                        return false;
                    for (int i = 0; i < prototype.Parameters.Count; i++)
                    {
                        if (!Matches(localBtf, prototype.Parameters[i].TypeId, targetBtf, targetPrototype.Parameters[i].TypeId, behindPointer, level - 1))
                            return false;
                    }
                    localId = prototype.ReturnTypeId;
                    targetId = targetPrototype.ReturnTypeId;
                    continue;
                }
                default:
                    return false;
            }
        }
        throw new CoreRelocationFailure("types nest more than 32 levels deep");
    }

    /// <summary>Names match when both are anonymous, or both are named with the same essential name.</summary>
    private static bool NamesMatch(string local, string target) =>
        target.Length == 0 ? local.Length == 0 : CoreEssentialName.Equal(local, target);

    private static bool EnumsMatch(BtfEnum local, BtfEnum target) =>
        local.Size == target.Size && local.Values.Count <= target.Values.Count
        && local.Values.All(value => target.Values.Any(candidate => NamesMatch(value.Name, candidate.Name)));

    private static bool MembersMatch(BtfSpec localBtf, BtfComposite local, BtfSpec targetBtf, BtfComposite target, int level)
    {
        if (local.Members.Count > target.Members.Count) return false;
        foreach (var member in local.Members)
        {
            bool matched = false;
            foreach (var candidate in target.Members)
            {
                if (!NamesMatch(member.Name, candidate.Name)) continue;
                if (Matches(localBtf, member.TypeId, targetBtf, candidate.TypeId, behindPointer: false, level - 1))
                {
                    matched = true;
                    break;
                }
            }
            if (!matched) return false;
        }
        return true;
    }
}
