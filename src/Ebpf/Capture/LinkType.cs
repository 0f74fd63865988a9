namespace Ebpf.Capture;

/// <summary>The link-layer header type of captured packets (the tcpdump.org LINKTYPE_ values, as pcap and pcapng store them).</summary>
public enum LinkType : ushort
{
    /// <summary>LINKTYPE_ETHERNET (1): IEEE 802.3 Ethernet frames.</summary>
    Ethernet = 1,

    /// <summary>DLT_RAW as most systems number it (12): an IPv4 or IPv6 packet without link-layer header.</summary>
    RawLegacy12 = 12,

    /// <summary>DLT_RAW as OpenBSD numbers it (14): an IPv4 or IPv6 packet without link-layer header.</summary>
    RawLegacy14 = 14,

    /// <summary>LINKTYPE_RAW (101): an IPv4 or IPv6 packet without link-layer header.</summary>
    Raw = 101,

    /// <summary>LINKTYPE_LINUX_SLL (113): Linux "cooked" capture, a 16-byte pseudo-header (tcpdump -i any).</summary>
    LinuxSll = 113,

    /// <summary>LINKTYPE_IPV4 (228): an IPv4 packet without link-layer header.</summary>
    Ipv4 = 228,

    /// <summary>LINKTYPE_IPV6 (229): an IPv6 packet without link-layer header.</summary>
    Ipv6 = 229,

    /// <summary>LINKTYPE_LINUX_SLL2 (276): Linux cooked capture v2, a 20-byte pseudo-header with the interface index.</summary>
    LinuxSll2 = 276,
}
