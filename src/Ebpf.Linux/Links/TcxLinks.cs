using Ebpf.Linux.Kernel;
using Ebpf.ProgramTypes;

namespace Ebpf.Linux.Links;

/// <summary>
/// Attaches tc programs (sched_cls) to an interface's ingress or egress with tcx links (BPF_LINK_CREATE with
/// BPF_TCX_INGRESS/EGRESS, Linux 6.6+). Several programs may share a hook; a new one runs after those attached before.
/// </summary>
public static class TcxLinks
{
    private const int Stale = 116; // ESTALE

    /// <summary>
    /// Attaches <paramref name="program"/> to <paramref name="direction"/> of interface <paramref name="interfaceName"/>
    /// in network namespace <paramref name="networkNamespace"/> (null: this process's namespace).
    /// </summary>
    /// <param name="program">A sched_cls program.</param>
    /// <param name="interfaceName">The interface.</param>
    /// <param name="direction">Ingress or egress.</param>
    /// <param name="networkNamespace">An <c>ip netns</c> name, or null.</param>
    /// <param name="expectedRevision">When not 0, attach only if the hook's program list is at this revision (else ESTALE).</param>
    /// <exception cref="AttachException">No such interface; the kernel has no tcx (before 6.6); a stale revision; no privilege.</exception>
    public static KernelLink AttachTcx(this KernelProgram program, string interfaceName, TcxDirection direction, string? networkNamespace = null, ulong expectedRevision = 0)
    {
        ArgumentNullException.ThrowIfNull(program);
        string where = networkNamespace is null ? "" : $" in network namespace '{networkNamespace}'";
        string hook = $"tcx {(direction == TcxDirection.Ingress ? "ingress" : "egress")} of interface '{interfaceName}'{where}";
        return NetworkNamespace.Run(networkNamespace, () =>
        {
            int index = NetworkInterfaces.IndexOf(interfaceName, hook, networkNamespace);
            var attr = new BpfAttrLinkCreate
            {
                Target = (uint)index,
                AttachType = (uint)(direction == TcxDirection.Ingress ? AttachTypeId.TcxIngress : AttachTypeId.TcxEgress),
                TcxExpectedRevision = expectedRevision,
            };
            return LinkCreate.Create(program, attr, $"{hook} (ifindex {index})", errno => Advice(errno, program, expectedRevision));
        });
    }

    private static string? Advice(int errno, KernelProgram program, ulong expectedRevision) => errno switch
    {
        Errno.EEXIST => $"program '{program.Name}' is already attached to this hook: a program appears once per tcx hook",
        Stale => $"the hook's program list is no longer at revision {expectedRevision}: read the current revision and retry",
        Errno.EINVAL when program.Type != ProgramTypeId.SchedClassifier =>
            $"tcx runs sched_cls (tc classifier) programs, and '{program.Name}' is {program.Type}",
        Errno.EINVAL =>
            "this kernel refused the tcx link: tcx needs Linux 6.6 or later (older kernels attach tc programs with a clsact qdisc and `tc filter`)",
        _ => null,
    };
}
