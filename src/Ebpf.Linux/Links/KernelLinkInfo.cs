using Ebpf.Linux.Syscalls;
using Ebpf.ProgramTypes;

namespace Ebpf.Linux.Links;

/// <summary>
/// A bpf link as the kernel describes it (<c>BPF_OBJ_GET_INFO_BY_FD</c>, <c>struct bpf_link_info</c>): its kind, id,
/// program, and the hook it holds where the kind has one (interface, attach type, cgroup).
/// </summary>
/// <param name="Type">The kind of link.</param>
/// <param name="Id">The link's id (what <c>bpftool link show</c> lists).</param>
/// <param name="ProgramId">The id of the attached program.</param>
/// <param name="InterfaceIndex">The interface of an XDP, tcx or netkit link; null for other kinds.</param>
/// <param name="AttachType">The attach type of a tcx, netkit, cgroup, netns or tracing link; null for other kinds.</param>
/// <param name="CgroupId">The cgroup id (its directory's inode number) of a cgroup link; null for other kinds.</param>
public sealed record KernelLinkInfo(LinkType Type, uint Id, uint ProgramId, int? InterfaceIndex, AttachTypeId? AttachType, ulong? CgroupId)
{
    internal static unsafe KernelLinkInfo From(in BpfLinkInfo info)
    {
        var type = (LinkType)info.Type;
        fixed (byte* details = info.Details)
        {
            uint first = *(uint*)details, second = *(uint*)(details + 4);
            return type switch
            {
                LinkType.Xdp => new(type, info.Id, info.ProgramId, (int)first, null, null),
                LinkType.Tcx or LinkType.Netkit => new(type, info.Id, info.ProgramId, (int)first, (AttachTypeId)second, null),
                LinkType.Cgroup => new(type, info.Id, info.ProgramId, null, (AttachTypeId)(*(uint*)(details + 8)), *(ulong*)details),
                LinkType.NetworkNamespace => new(type, info.Id, info.ProgramId, null, (AttachTypeId)second, null),
                LinkType.Tracing => new(type, info.Id, info.ProgramId, null, (AttachTypeId)first, null),
                _ => new(type, info.Id, info.ProgramId, null, null, null),
            };
        }
    }

    /// <summary>Every bpf link the kernel has now, by id (links that go away during the walk are skipped).</summary>
    public static IReadOnlyList<KernelLinkInfo> All()
    {
        var links = new List<KernelLinkInfo>();
        foreach (uint id in Kernel.KernelObjects.Ids(BpfCommand.LinkGetNextId))
        {
            using var fd = Kernel.KernelObjects.OpenById(BpfCommand.LinkGetFdById, id);
            if (fd is not null) links.Add(From(Kernel.KernelObjects.LinkInfo(fd)));
        }
        return links;
    }
}
