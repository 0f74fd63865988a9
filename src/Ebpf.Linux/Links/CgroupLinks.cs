using Ebpf.Linux.Events;
using Ebpf.Linux.Kernel;
using Ebpf.ProgramTypes;

namespace Ebpf.Linux.Links;

/// <summary>
/// Attaches cgroup programs (cgroup_skb, cgroup_sock, cgroup_sock_addr, sockopt, sysctl, device) to a cgroup v2
/// directory with a cgroup link (BPF_LINK_CREATE with the cgroup dir fd and a cgroup attach type). The program applies
/// to the processes in the cgroup and its descendants; a socket belongs to the cgroup of the process that created it.
/// </summary>
public static class CgroupLinks
{
    /// <summary>Attaches <paramref name="program"/> to the cgroup at <paramref name="cgroupPath"/> for <paramref name="attachType"/>.</summary>
    /// <param name="program">A cgroup program.</param>
    /// <param name="cgroupPath">A directory of the cgroup v2 hierarchy, e.g. /sys/fs/cgroup/my.slice.</param>
    /// <param name="attachType">The hook, e.g. <see cref="AttachTypeId.CgroupInetIngress"/> for cgroup_skb ingress.</param>
    /// <exception cref="AttachException">No such directory; not a cgroup v2 directory; the attach type does not suit the program; no privilege.</exception>
    public static KernelLink AttachCgroup(this KernelProgram program, string cgroupPath, AttachTypeId attachType)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentException.ThrowIfNullOrEmpty(cgroupPath);
        string hook = $"cgroup '{cgroupPath}' ({attachType})";
        int errno = LinuxFileDescriptor.TryOpen(cgroupPath, directory: true, out var directory);
        if (errno != 0)
            throw new AttachException(hook, $"open({cgroupPath})", errno, errno switch
            {
                Errno.ENOENT => "there is no such directory: create the cgroup with mkdir in the cgroup v2 hierarchy",
                Errno.ENOTDIR => "that is not a directory: name a cgroup directory",
                _ => "the cgroup directory cannot be opened",
            });
        using (directory)
        {
            var attr = new BpfAttrLinkCreate { Target = (uint)directory!.Value, AttachType = (uint)attachType };
            return LinkCreate.Create(program, attr, hook, e => Advice(e, cgroupPath, program, attachType));
        }
    }

    private static string? Advice(int errno, string path, KernelProgram program, AttachTypeId attachType) => errno switch
    {
        Errno.EBADF => $"'{path}' is not a cgroup v2 directory: bpf attaches to the unified hierarchy (`mount -t cgroup2`; `grep cgroup2 /proc/mounts` shows where it is)",
        Errno.EINVAL => $"the kernel refused {attachType} for program '{program.Name}' ({program.Type}, loaded with expected attach type " +
                        $"{program.ExpectedAttachType?.ToString() ?? "none"}): the attach type must suit the program type, and cgroup_sock(_addr) programs must be loaded with it as expected attach type",
        _ => null,
    };
}
