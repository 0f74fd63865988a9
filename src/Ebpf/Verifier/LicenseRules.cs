namespace Ebpf.Verifier;

/// <summary>The licenses the kernel counts as GPL-compatible (<c>license_is_gpl_compatible</c>).</summary>
internal static class LicenseRules
{
    private static readonly HashSet<string> GplCompatible =
        ["GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"];

    public static bool IsGplCompatible(string license) => GplCompatible.Contains(license);
}
