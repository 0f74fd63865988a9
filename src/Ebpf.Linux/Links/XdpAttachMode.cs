namespace Ebpf.Linux.Links;

/// <summary>Where an XDP program runs: the <c>XDP_FLAGS_*_MODE</c> flags of linux/if_link.h.</summary>
public enum XdpAttachMode : uint
{
    /// <summary>No flag: the kernel picks native mode when the driver supports it, else generic.</summary>
    Default = 0,
    /// <summary>XDP_FLAGS_SKB_MODE: generic XDP on the socket buffer, after the driver; works on every interface.</summary>
    Generic = 1u << 1,
    /// <summary>XDP_FLAGS_DRV_MODE: native XDP in the driver, before a socket buffer exists; the driver must support it.</summary>
    Native = 1u << 2,
    /// <summary>XDP_FLAGS_HW_MODE: offloaded to the NIC; needs a NIC that runs BPF and a program loaded for that device.</summary>
    Offload = 1u << 3,
}
