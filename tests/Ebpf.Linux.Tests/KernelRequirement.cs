using Ebpf.Linux.Features;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests;

/// <summary>
/// Kernel-backed tests start with <c>if (KernelRequirement.Missing(output)) return;</c>: when bpf() is denied the
/// test prints why and passes, the project's stand-in for a dynamic skip (xunit 2 has none).
/// </summary>
internal static class KernelRequirement
{
    public static bool Missing(ITestOutputHelper output)
    {
        if (KernelProbe.CanUseBpf(out string reason)) return false;
        output.WriteLine($"SKIPPED: bpf() is not usable here: {reason}");
        return true;
    }
}
