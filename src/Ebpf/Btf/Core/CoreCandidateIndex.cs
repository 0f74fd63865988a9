using System.Runtime.CompilerServices;

namespace Ebpf.Btf.Core;

/// <summary>
/// The named types of a target BTF grouped by essential name, built once per <see cref="BtfSpec"/> and kept as long
/// as that spec lives, so that each relocation finds its candidates without scanning 150,000 kernel types.
/// </summary>
internal sealed class CoreCandidateIndex
{
    private static readonly ConditionalWeakTable<BtfSpec, CoreCandidateIndex> Cache = new();

    private readonly Dictionary<string, List<BtfType>> _byEssentialName = new(StringComparer.Ordinal);

    private CoreCandidateIndex(BtfSpec target)
    {
        foreach (var type in target.Types)
        {
            if (type.Name.Length == 0 || type is BtfVoid) continue;
            string name = CoreEssentialName.Of(type.Name);
            if (!_byEssentialName.TryGetValue(name, out var list)) _byEssentialName[name] = list = [];
            list.Add(type);
        }
    }

    /// <summary>The index of <paramref name="target"/>, built on first use.</summary>
    public static CoreCandidateIndex For(BtfSpec target) => Cache.GetValue(target, spec => new CoreCandidateIndex(spec));

    /// <summary>The target types that may stand for <paramref name="local"/>: same essential name, compatible kind, in id order.</summary>
    public IReadOnlyList<BtfType> CandidatesFor(BtfType local)
    {
        if (!_byEssentialName.TryGetValue(CoreEssentialName.Of(local.Name), out var named)) return [];
        return named.Where(type => CoreTypeCompatibility.KindsCompatible(local, type)).ToArray();
    }
}
