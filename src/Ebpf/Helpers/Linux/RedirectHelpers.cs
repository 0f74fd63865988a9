using Ebpf.ProgramTypes;
using Ebpf.TestRuns;

namespace Ebpf.Helpers.Linux;

/// <summary><c>bpf_redirect</c>: the kernel's two implementations under one id, for XDP and for tc.</summary>
public static class RedirectHelpers
{
    /// <summary>BPF_F_INGRESS: redirect to the target's ingress (tc only).</summary>
    public const ulong Ingress = 1;

    /// <summary>XDP_ABORTED, XDP_REDIRECT, TC_ACT_SHOT and TC_ACT_REDIRECT: what the helper returns.</summary>
    public const uint XdpAborted = 0, XdpRedirect = 4, TcActShot = 2, TcActRedirect = 7;

    /// <summary>
    /// <c>long bpf_redirect(u32 ifindex, u64 flags)</c>, id 23: records the target (<see cref="TestRunResult.Redirect"/>)
    /// and returns the verdict that makes it happen: XDP_REDIRECT for XDP (any flag: XDP_ABORTED, nothing recorded),
    /// TC_ACT_REDIRECT for tc (a flag other than BPF_F_INGRESS: TC_ACT_SHOT, nothing recorded).
    /// </summary>
    public static readonly HelperDescriptor Redirect = new(23, "redirect", (r1, r2, _, _, _, context) =>
    {
        if (context.HostState is not PacketFrame frame || frame.Layout == PacketLayout.SkbFromNetworkLayer)
            throw HelperArguments.Fault(context, "redirect", "the kernel offers bpf_redirect to XDP and tc programs only; run the program with TestRunner as one of those");
        bool xdp = frame.Layout == PacketLayout.Xdp;
        if (xdp ? r2 != 0 : (r2 & ~Ingress) != 0) return xdp ? XdpAborted : TcActShot;
        frame.Redirect = new RedirectTarget((uint)r1, r2);
        return xdp ? XdpRedirect : TcActRedirect;
    });

    /// <summary>Every helper of this group.</summary>
    public static IReadOnlyList<HelperDescriptor> All { get; } = [Redirect];
}
