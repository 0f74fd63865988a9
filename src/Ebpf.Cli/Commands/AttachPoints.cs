using Ebpf.Linux.Kernel;
using Ebpf.Linux.Links;
using Ebpf.ProgramTypes;

namespace Ebpf.Cli.Commands;

/// <summary>
/// Where a tracing program attaches, as libbpf reads it from the section name: <c>tracepoint/CAT/NAME</c> or
/// <c>tp/CAT/NAME</c>, <c>raw_tracepoint/NAME</c> or <c>raw_tp/NAME</c>; an explicit hook overrides the section.
/// </summary>
internal static class AttachPoints
{
    /// <summary>Attaches <paramref name="program"/> (from section <paramref name="sectionName"/>) to its tracepoint or raw tracepoint.</summary>
    /// <param name="program">The loaded program.</param>
    /// <param name="sectionName">Its ELF section.</param>
    /// <param name="tracepoint">An explicit <c>CAT/NAME</c> tracepoint, or null to take the section's.</param>
    /// <param name="rawTracepoint">An explicit raw tracepoint name, or null.</param>
    public static KernelLink AttachTracing(KernelProgram program, string sectionName, string? tracepoint, string? rawTracepoint)
    {
        if (tracepoint is not null) return program.AttachTracepoint(tracepoint);
        if (rawTracepoint is not null) return program.AttachRawTracepoint(rawTracepoint);
        var parts = sectionName.Split('/');
        return parts[0] switch
        {
            "tracepoint" or "tp" when parts.Length == 3 => program.AttachTracepoint(parts[1], parts[2]),
            "raw_tracepoint" or "raw_tp" or "raw_tracepoint.w" or "raw_tp.w" when parts.Length == 2 => program.AttachRawTracepoint(parts[1]),
            _ => throw new UsageException($"program '{program.Name}' is in section '{sectionName}', which names no tracepoint or raw tracepoint to attach to; " +
                "give one with --tracepoint CAT/NAME or --raw-tracepoint NAME"),
        };
    }

    /// <summary>Parses an XDP mode name.</summary>
    public static XdpAttachMode XdpMode(string name) => name.ToLowerInvariant() switch
    {
        "default" => XdpAttachMode.Default,
        "generic" or "skb" => XdpAttachMode.Generic,
        "native" or "driver" or "drv" => XdpAttachMode.Native,
        "offload" or "hw" => XdpAttachMode.Offload,
        _ => throw new UsageException($"--mode {name} is not an XDP mode; choose default, generic, native or offload"),
    };

    /// <summary>The cgroup attach types by the names bpftool uses.</summary>
    public static AttachTypeId CgroupAttachType(string name) => name.ToLowerInvariant().Replace('-', '_') switch
    {
        "ingress" or "cgroup_inet_ingress" => AttachTypeId.CgroupInetIngress,
        "egress" or "cgroup_inet_egress" => AttachTypeId.CgroupInetEgress,
        "sock_create" or "cgroup_inet_sock_create" => AttachTypeId.CgroupInetSockCreate,
        "sock_ops" or "cgroup_sock_ops" => AttachTypeId.CgroupSockOps,
        "connect4" or "cgroup_inet4_connect" => AttachTypeId.CgroupInet4Connect,
        "connect6" or "cgroup_inet6_connect" => AttachTypeId.CgroupInet6Connect,
        "bind4" or "cgroup_inet4_bind" => AttachTypeId.CgroupInet4Bind,
        "bind6" or "cgroup_inet6_bind" => AttachTypeId.CgroupInet6Bind,
        "post_bind4" or "cgroup_inet4_post_bind" => AttachTypeId.CgroupInet4PostBind,
        _ => throw new UsageException($"--attach-type {name} is not a cgroup attach type here; choose ingress, egress, sock_create, sock_ops, connect4, connect6, bind4, bind6 or post_bind4"),
    };
}
