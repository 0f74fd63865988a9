namespace Ebpf.Maps;

/// <summary>
/// The kernel's <c>bpf_map_meta_equal</c>: an inner map must have the template's type, key size, value size and flags
/// (BPF_F_INNER_MAP aside), and its max_entries unless the template has BPF_F_INNER_MAP.
/// </summary>
internal static class InnerMapRules
{
    /// <summary>Resolves a 4-byte map id to a live map that fits <paramref name="template"/>; 0 or a negative errno.</summary>
    public static int Resolve(MapSpec template, uint id, out Map? inner)
    {
        if (!MapRegistry.TryGetById(id, out inner) || inner.IsDisposed) return -Errno.EBADF;
        var spec = inner.Spec;
        var flagsThatMustMatch = ~MapCreationFlags.InnerMap;
        bool matches = spec.Type == template.Type && spec.KeySize == template.KeySize && spec.ValueSize == template.ValueSize &&
            (spec.Flags & flagsThatMustMatch) == (template.Flags & flagsThatMustMatch) &&
            ((template.Flags & MapCreationFlags.InnerMap) != 0 || spec.MaxEntries == template.MaxEntries);
        return matches ? 0 : -Errno.EINVAL;
    }
}
