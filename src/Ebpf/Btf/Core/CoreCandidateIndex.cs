using System.Runtime.CompilerServices;

namespace Ebpf.Btf.Core;

/// <summary>A target type that may stand for a local type, and the BTF it belongs to (vmlinux or a module's).</summary>
internal readonly record struct CoreCandidate(BtfSpec Btf, BtfType Type);

/// <summary>
/// The named types of a target BTF grouped by essential name, built once per <see cref="BtfSpec"/> and kept as long
/// as that spec lives, so that each relocation finds its candidates without scanning 150,000 kernel types. For a
/// module's split BTF searched after vmlinux, only the module's own types are indexed (libbpf does the same).
/// </summary>
internal sealed class CoreCandidateIndex
{
    private static readonly ConditionalWeakTable<BtfSpec, CoreCandidateIndex> Cache = new();
    private static readonly ConditionalWeakTable<BtfSpec, CoreCandidateIndex> OwnTypesCache = new();

    private readonly BtfSpec _target;
    private readonly Dictionary<string, List<BtfType>> _byEssentialName = new(StringComparer.Ordinal);

    private CoreCandidateIndex(BtfSpec target, int firstTypeId)
    {
        _target = target;
        for (int id = firstTypeId; id < target.Types.Count; id++)
        {
            var type = target.Types[id];
            if (type.Name.Length == 0 || type is BtfVoid) continue;
            string name = CoreEssentialName.Of(type.Name);
            if (!_byEssentialName.TryGetValue(name, out var list)) _byEssentialName[name] = list = [];
            list.Add(type);
        }
    }

    /// <summary>The index of every type of <paramref name="target"/>, built on first use.</summary>
    public static CoreCandidateIndex For(BtfSpec target) => Cache.GetValue(target, spec => new CoreCandidateIndex(spec, 1));

    /// <summary>The index of the types a module's split BTF adds to its base, built on first use.</summary>
    public static CoreCandidateIndex ForOwnTypes(BtfSpec module) => OwnTypesCache.GetValue(module, spec => new CoreCandidateIndex(spec, spec.FirstOwnTypeId));

    /// <summary>The target types that may stand for <paramref name="local"/>: same essential name, compatible kind, in id order.</summary>
    public IReadOnlyList<CoreCandidate> CandidatesFor(BtfType local)
    {
        if (!_byEssentialName.TryGetValue(CoreEssentialName.Of(local.Name), out var named)) return [];
        return named.Where(type => CoreTypeCompatibility.KindsCompatible(local, type)).Select(type => new CoreCandidate(_target, type)).ToArray();
    }
}
