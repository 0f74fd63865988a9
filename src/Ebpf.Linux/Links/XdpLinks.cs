using Ebpf.Linux.Kernel;
using Ebpf.ProgramTypes;

namespace Ebpf.Linux.Links;

/// <summary>Attaches XDP programs to network interfaces with bpf links (BPF_LINK_CREATE, attach type BPF_XDP; Linux 5.9+).</summary>
public static class XdpLinks
{
    /// <summary>
    /// Attaches <paramref name="program"/> (an XDP program) to interface <paramref name="interfaceName"/> in network
    /// namespace <paramref name="networkNamespace"/> (an <c>ip netns</c> name; null: this process's namespace).
    /// </summary>
    /// <exception cref="AttachException">No such interface; an XDP program is already attached; the mode is not supported; no privilege.</exception>
    public static KernelLink AttachXdp(this KernelProgram program, string interfaceName, XdpAttachMode mode = XdpAttachMode.Default, string? networkNamespace = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        string hook = $"XDP on interface '{interfaceName}'{In(networkNamespace)}";
        return NetworkNamespace.Run(networkNamespace, () =>
            Attach(program, NetworkInterfaces.IndexOf(interfaceName, hook, networkNamespace), interfaceName, mode, networkNamespace));
    }

    /// <summary>Attaches <paramref name="program"/> to the interface with index <paramref name="interfaceIndex"/>.</summary>
    /// <exception cref="AttachException">No such interface; an XDP program is already attached; the mode is not supported; no privilege.</exception>
    public static KernelLink AttachXdp(this KernelProgram program, int interfaceIndex, XdpAttachMode mode = XdpAttachMode.Default, string? networkNamespace = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        return NetworkNamespace.Run(networkNamespace, () => Attach(program, interfaceIndex, $"ifindex {interfaceIndex}", mode, networkNamespace));
    }

    private static KernelLink Attach(KernelProgram program, int index, string name, XdpAttachMode mode, string? networkNamespace)
    {
        string hook = $"XDP on interface '{name}'{In(networkNamespace)} (ifindex {index}, {ModeName(mode)} mode)";
        var attr = new BpfAttrLinkCreate { Target = (uint)index, AttachType = (uint)AttachTypeId.Xdp, Flags = (uint)mode };
        return LinkCreate.Create(program, attr, hook, errno => Advice(errno, name, mode, networkNamespace));
    }

    private static string In(string? networkNamespace) => networkNamespace is null ? "" : $" in network namespace '{networkNamespace}'";

    private static string IpCommand(string? networkNamespace) => networkNamespace is null ? "ip" : $"ip -n {networkNamespace}";

    private static string ModeName(XdpAttachMode mode) => mode switch
    {
        XdpAttachMode.Default => "default",
        XdpAttachMode.Generic => "generic",
        XdpAttachMode.Native => "native",
        XdpAttachMode.Offload => "offload",
        _ => $"flags 0x{(uint)mode:x}",
    };

    private static string? Advice(int errno, string name, XdpAttachMode mode, string? networkNamespace) => errno switch
    {
        Errno.EBUSY or Errno.EEXIST =>
            $"an XDP program is already attached to '{name}' (by another link, or by netlink in another mode): dispose or unpin " +
            $"its link, or for a netlink attachment run `{IpCommand(networkNamespace)} link set dev {name} xdp off`",
        Errno.ENODEV => $"there is no interface with that index{(networkNamespace is null ? "" : $" in network namespace '{networkNamespace}'")}",
        Errno.EOPNOTSUPP or Errno.ENOTSUPP or Errno.EINVAL when mode == XdpAttachMode.Native =>
            $"the driver of '{name}' has no native XDP: attach with XdpAttachMode.Generic",
        Errno.EOPNOTSUPP or Errno.ENOTSUPP or Errno.EINVAL when mode == XdpAttachMode.Offload =>
            $"'{name}' cannot run offloaded programs: that needs a NIC that runs BPF and a program loaded for that device; use Native or Generic",
        _ => null,
    };
}
