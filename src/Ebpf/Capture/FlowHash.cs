using System.Buffers.Binary;

namespace Ebpf.Capture;

/// <summary>
/// A deterministic hash of an Ethernet frame's flow, to spread packets over processor slots as a NIC's RSS spreads
/// them over receive queues: the 5-tuple (addresses, protocol, ports) for TCP, UDP, SCTP and UDP-Lite over IPv4 or
/// IPv6 (behind up to two VLAN tags); addresses and protocol alone for fragments and other IP protocols, so every
/// fragment of a datagram lands on one slot; the MAC addresses and EtherType for anything else. Not symmetric.
/// </summary>
public static class FlowHash
{
    private const uint OffsetBasis = 2166136261, Prime = 16777619;

    /// <summary>The flow hash of <paramref name="frame"/> (FNV-1a over the tuple, identical on every run and machine).</summary>
    public static uint Of(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 14) return Mix(OffsetBasis, frame);
        int at = 12;
        ushort etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[at..]);
        for (int tags = 0; tags < 2 && etherType is 0x8100 or 0x88a8 && frame.Length >= at + 6; tags++)
        {
            at += 4;
            etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[at..]);
        }
        var network = frame[(at + 2)..];
        if (etherType == 0x0800 && network.Length >= 20 && network[0] >> 4 == 4)
        {
            int headerLength = (network[0] & 0x0f) * 4;
            byte protocol = network[9];
            bool fragment = (BinaryPrimitives.ReadUInt16BigEndian(network[6..]) & 0x3fff) != 0;
            uint hash = Mix(Mix(OffsetBasis, network.Slice(12, 8)), [protocol]);
            return fragment ? hash : WithPorts(hash, protocol, network, headerLength);
        }
        if (etherType == 0x86dd && network.Length >= 40 && network[0] >> 4 == 6)
        {
            byte next = network[6];
            uint hash = Mix(Mix(OffsetBasis, network.Slice(8, 32)), [next]);
            return WithPorts(hash, next, network, 40);
        }
        return Mix(Mix(OffsetBasis, frame[..12]), frame.Slice(at, 2));
    }

    private static uint WithPorts(uint hash, byte protocol, ReadOnlySpan<byte> network, int transport)
    {
        bool hasPorts = protocol is 6 or 17 or 132 or 136;
        return hasPorts && transport >= 20 && network.Length >= transport + 4 ? Mix(hash, network.Slice(transport, 4)) : hash;
    }

    private static uint Mix(uint hash, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes) hash = (hash ^ b) * Prime;
        return hash;
    }
}
