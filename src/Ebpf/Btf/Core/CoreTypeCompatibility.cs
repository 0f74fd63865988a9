namespace Ebpf.Btf.Core;

/// <summary>
/// libbpf's three relations between a local and a target type: field compatibility (may a field relocation go from one
/// to the other), type compatibility (for type-based relocations) and the stricter "type match" (for
/// <c>bpf_core_type_matches</c>). Typedefs and qualifiers are always looked through.
/// </summary>
internal static class CoreTypeCompatibility
{
    /// <summary>How deep function prototypes and members may nest before the relation gives up (libbpf: 32).</summary>
    private const int MaxLevel = 32;

    /// <summary>Whether two kinds can stand for each other: equal, or ENUM against ENUM64.</summary>
    public static bool KindsCompatible(BtfType local, BtfType target) =>
        local.Kind == target.Kind || local is BtfEnum && target is BtfEnum;

    /// <summary>
    /// Field compatibility: any two structs or unions; pointers; floats; integers that are not old-style bitfield
    /// integers; enums and forward declarations of the same essential name (or one anonymous); arrays by element.
    /// </summary>
    public static bool FieldsCompatible(BtfSpec localBtf, uint localId, BtfSpec targetBtf, uint targetId)
    {
        for (int depth = 0; depth <= MaxLevel; depth++)
        {
            var local = CoreSpecParser.Resolve(localBtf, localId);
            var target = CoreSpecParser.Resolve(targetBtf, targetId);
            if (local is BtfComposite && target is BtfComposite) return true;
            if (!KindsCompatible(local, target)) return false;
            switch (local)
            {
                case BtfReference or BtfFloat:
                    return true;
                case BtfForward or BtfEnum:
                {
                    string localName = CoreEssentialName.Of(local.Name), targetName = CoreEssentialName.Of(target.Name);
                    return localName.Length == 0 || targetName.Length == 0 || localName == targetName;
                }
                case BtfInt localInt:
                    return localInt.BitOffset == 0 && ((BtfInt)target).BitOffset == 0;
                case BtfArray localArray:
                    localId = localArray.ElementTypeId;
                    targetId = ((BtfArray)target).ElementTypeId;
                    continue;
                default:
                    return false;
            }
        }
        throw new CoreRelocationFailure($"types [{localId}] and [{targetId}] nest arrays more than {MaxLevel} deep");
    }

    /// <summary>
    /// Type compatibility for type-based relocations (names of the roots already match): same kinds all the way down;
    /// integers not old-style bitfields; pointers and arrays by target; function prototypes by parameters and return.
    /// </summary>
    public static bool TypesCompatible(BtfSpec localBtf, uint localId, BtfSpec targetBtf, uint targetId) =>
        TypesCompatible(localBtf, localId, targetBtf, targetId, MaxLevel);

    private static bool TypesCompatible(BtfSpec localBtf, uint localId, BtfSpec targetBtf, uint targetId, int level)
    {
        if (!KindsCompatible(localBtf.TypeById(localId), targetBtf.TypeById(targetId))) return false;
        for (int depth = 32; depth > 0; depth--)
        {
            var local = CoreSpecParser.Resolve(localBtf, localId);
            var target = CoreSpecParser.Resolve(targetBtf, targetId);
            if (!KindsCompatible(local, target)) return false;
            switch (local)
            {
                case BtfVoid or BtfComposite or BtfEnum or BtfForward:
                    return true;
                case BtfInt localInt:
                    return localInt.BitOffset == 0 && ((BtfInt)target).BitOffset == 0;
                case BtfReference pointer:
                    localId = pointer.TargetId;
                    targetId = ((BtfReference)target).TargetId;
                    continue;
                case BtfArray array:
                    localId = array.ElementTypeId;
                    targetId = ((BtfArray)target).ElementTypeId;
                    continue;
                case BtfFunctionPrototype prototype:
                {
                    var targetPrototype = (BtfFunctionPrototype)target;
                    if (prototype.Parameters.Count != targetPrototype.Parameters.Count) return false;
                    for (int i = 0; i < prototype.Parameters.Count; i++)
                    {
                        if (level <= 0) throw new CoreRelocationFailure($"function prototypes nest more than {MaxLevel} deep");
                        uint localParameter = CoreSpecParser.Resolve(localBtf, prototype.Parameters[i].TypeId).Id;
                        uint targetParameter = CoreSpecParser.Resolve(targetBtf, targetPrototype.Parameters[i].TypeId).Id;
                        if (!TypesCompatible(localBtf, localParameter, targetBtf, targetParameter, level - 1)) return false;
                    }
                    localId = CoreSpecParser.Resolve(localBtf, prototype.ReturnTypeId).Id;
                    targetId = CoreSpecParser.Resolve(targetBtf, targetPrototype.ReturnTypeId).Id;
                    continue;
                }
                default:
                    return false;
            }
        }
        throw new CoreRelocationFailure($"types [{localId}] and [{targetId}] nest more than 32 levels deep");
    }
}
