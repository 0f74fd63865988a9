namespace Ebpf.Btf.Core;

/// <summary>
/// Tries one candidate target type for a local <see cref="CoreSpec"/> and, when it fits, builds the target's spec
/// (libbpf's <c>bpf_core_spec_match</c>): every named member found by name (searching anonymous members too) with a
/// compatible type, every array index within bounds, the enumerator found by essential name, or the whole type
/// compatible (or matching) for type relocations.
/// </summary>
internal static class CoreSpecMatcher
{
    /// <summary>The target spec, or null when the candidate does not fit.</summary>
    public static CoreSpec? Match(CoreSpec local, BtfSpec targetBtf, uint targetId)
    {
        var target = new CoreSpec(targetBtf, targetId, local.Kind);
        if (CoreRelocationKinds.IsTypeBased(local.Kind))
        {
            bool fits = local.Kind == BtfCoreRelocationKind.TypeMatches
                ? CoreTypeMatch.Matches(local.Btf, local.RootTypeId, targetBtf, targetId)
                : CoreTypeCompatibility.TypesCompatible(local.Btf, local.RootTypeId, targetBtf, targetId);
            return fits ? target : null;
        }

        if (CoreRelocationKinds.IsEnumValueBased(local.Kind))
        {
            if (CoreSpecParser.Resolve(targetBtf, targetId) is not BtfEnum enumeration) return null;
            string wanted = CoreEssentialName.Of(local.Accessors[0].Name!);
            for (int i = 0; i < enumeration.Values.Count; i++)
            {
                if (CoreEssentialName.Of(enumeration.Values[i].Name) != wanted) continue;
                target.Accessors.Add(new CoreAccessor(enumeration.Id, i, enumeration.Values[i].Name));
                target.Raw.Add(i);
                return target;
            }
            return null;
        }

        for (int i = 0; i < local.Accessors.Count; i++)
        {
            var targetType = CoreSpecParser.Resolve(targetBtf, targetId);
            targetId = targetType.Id;
            var accessor = local.Accessors[i];
            if (accessor.Name is not null)
            {
                if (!MatchMember(local.Btf, accessor, targetBtf, targetId, target, out targetId)) return null;
                continue;
            }
            // The first accessor indexes the root pointer itself; later ones index a target array.
            if (i > 0)
            {
                if (targetType is not BtfArray array) return null;
                bool flexible = CoreSpecParser.IsFlexibleArray(targetBtf, target.Accessors[^1], array);
                if (!flexible && accessor.Index >= array.ElementCount) return null;
                targetId = CoreSpecParser.Resolve(targetBtf, array.ElementTypeId).Id;
            }
            if (target.Raw.Count == CoreSpec.MaxLength) throw new CoreRelocationFailure($"the target access is nested more than {CoreSpec.MaxLength} levels deep");
            target.Accessors.Add(new CoreAccessor(targetId, accessor.Index, null));
            target.Raw.Add(accessor.Index);
            target.BitOffset += accessor.Index * CoreSpecParser.SizeOf(targetBtf, targetId) * 8;
        }
        return target;
    }

    /// <summary>
    /// Finds the member named like <paramref name="accessor"/>'s in <paramref name="targetId"/>, descending into anonymous
    /// members, and appends the way there to <paramref name="spec"/>; false when there is none or its type is incompatible.
    /// </summary>
    private static bool MatchMember(BtfSpec localBtf, CoreAccessor accessor, BtfSpec targetBtf, uint targetId, CoreSpec spec, out uint nextTargetId)
    {
        nextTargetId = 0;
        if (CoreSpecParser.Resolve(targetBtf, targetId) is not BtfComposite composite) return false;
        var localMember = ((BtfComposite)localBtf.TypeById(accessor.TypeId)).Members[accessor.Index];
        for (int i = 0; i < composite.Members.Count; i++)
        {
            var member = composite.Members[i];
            if (spec.Raw.Count == CoreSpec.MaxLength) throw new CoreRelocationFailure($"the target access is nested more than {CoreSpec.MaxLength} levels deep");
            spec.BitOffset += member.BitOffset;
            spec.Raw.Add(i);
            if (member.Name.Length == 0)
            {
                if (MatchMember(localBtf, accessor, targetBtf, member.TypeId, spec, out nextTargetId)) return true;
            }
            else if (member.Name == localMember.Name)
            {
                nextTargetId = member.TypeId;
                if (CoreTypeCompatibility.FieldsCompatible(localBtf, localMember.TypeId, targetBtf, member.TypeId))
                {
                    spec.Accessors.Add(new CoreAccessor(composite.Id, i, member.Name));
                    return true;
                }
                spec.BitOffset -= member.BitOffset;
                spec.Raw.RemoveAt(spec.Raw.Count - 1);
                return false;
            }
            spec.BitOffset -= member.BitOffset;
            spec.Raw.RemoveAt(spec.Raw.Count - 1);
        }
        return false;
    }
}
