using Ebpf.ProgramTypes;
using Ebpf.Runtime;
using Ebpf.TestRuns;
using static Ebpf.Helpers.Linux.HelperArguments;

namespace Ebpf.Helpers.Linux;

/// <summary>The packet a packet helper works on: the run's <see cref="PacketFrame"/>, checked against the helper's program types.</summary>
internal static class PacketFrames
{
    /// <summary>The frame of a packet run whose context <paramref name="contextArgument"/> names.</summary>
    public static PacketFrame Of(ulong contextArgument, RunContext context, string helper)
    {
        if (context.HostState is not PacketFrame frame)
            throw Fault(context, helper, "this run has no packet; run the program with TestRunner on a packet program type");
        if (contextArgument != context.ContextAddress)
            throw Fault(context, helper, $"argument 1 (0x{contextArgument:x}) is not the program's context (r1 at entry)");
        return frame;
    }

    /// <summary>The frame of a tc run: the kernel offers packet-writing skb helpers to tc programs, not to XDP or socket filters.</summary>
    public static PacketFrame WritableSkb(ulong contextArgument, RunContext context, string helper)
    {
        var frame = Of(contextArgument, context, helper);
        if (frame.Layout != PacketLayout.SkbFromLinkLayer)
            throw Fault(context, helper, $"the kernel offers bpf_{helper} to tc programs only, not to {(frame.Layout == PacketLayout.Xdp ? "XDP programs" : "socket filters")}");
        return frame;
    }
}
