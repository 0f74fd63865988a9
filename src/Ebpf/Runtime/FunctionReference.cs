namespace Ebpf.Runtime;

/// <summary>
/// The value a <c>lddw</c> with source 4 (BPF_PSEUDO_FUNC) loads: an opaque reference to a function of the running
/// program, which a helper such as <c>bpf_loop</c> hands to <see cref="RunContext.CallFunction"/>. It is a
/// non-canonical address on every 64-bit host (bits 48–63 are not a sign extension of bit 47), so it lies in no
/// region of any run: a program that loads or stores through it faults in checked mode.
/// </summary>
public static class FunctionReference
{
    private const ulong Tag = 0xBFF0_0000_0000_0000;
    private const ulong TagMask = 0xFFFF_FFFF_0000_0000;

    /// <summary>The reference to the function that starts at instruction slot <paramref name="start"/>.</summary>
    public static ulong Encode(int start)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        return Tag | (uint)start;
    }

    /// <summary>The start slot a reference names, or false when <paramref name="value"/> is not a function reference.</summary>
    public static bool TryDecode(ulong value, out int start)
    {
        start = (int)(uint)value;
        return (value & TagMask) == Tag && start >= 0;
    }
}
