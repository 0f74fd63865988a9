namespace Ebpf.Linux.Links;

/// <summary>Which way a tcx program sees packets pass an interface.</summary>
public enum TcxDirection
{
    /// <summary>BPF_TCX_INGRESS: packets the interface receives.</summary>
    Ingress,
    /// <summary>BPF_TCX_EGRESS: packets the interface sends.</summary>
    Egress,
}
