using System.Net;
using System.Net.Sockets;
using Ebpf.Isa.Text;
using Ebpf.Linux.Kernel;
using Ebpf.Linux.Tests.Examples;
using Ebpf.ProgramTypes;

namespace Ebpf.Linux.Tests.Links;

/// <summary>Test-only: programs and traffic the attach tests share.</summary>
internal static class LinkTestPrograms
{
    public static string Example(string name) => Path.Combine(ExampleKernelComparisonTests.RepositoryRoot(), "examples", name);

    public static string TestObject(string name) => Path.Combine(ExampleKernelComparisonTests.RepositoryRoot(), "tests", "objects", name);

    /// <summary>A program that returns <paramref name="verdict"/> and nothing else.</summary>
    public static KernelProgram Constant(ProgramTypeId type, int verdict, AttachTypeId? expectedAttachType = null) =>
        KernelProgram.Load(Assembler.Assemble($"r0 = {verdict}\nexit"), type, $"constant_{(uint)verdict}", expectedAttachType: expectedAttachType);

    /// <summary>Sends <paramref name="count"/> UDP datagrams of <paramref name="payload"/> bytes (byte i of datagram k is k) from namespace <paramref name="ns"/>.</summary>
    public static void SendUdp(string ns, IPAddress to, int port, int count, int payload)
    {
        NamespacePair.In(ns, () =>
        {
            using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            for (int k = 0; k < count; k++) sender.SendTo(Enumerable.Repeat((byte)k, payload).ToArray(), new IPEndPoint(to, port));
            return 0;
        });
    }

    /// <summary>A UDP socket bound to <paramref name="address"/>:<paramref name="port"/> inside namespace <paramref name="ns"/>.</summary>
    public static Socket UdpReceiver(string ns, IPAddress address, int port) => NamespacePair.In(ns, () =>
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 1500 };
        socket.Bind(new IPEndPoint(address, port));
        return socket;
    });

    /// <summary>The datagrams <paramref name="socket"/> receives until <paramref name="expected"/> arrived or none came for its timeout.</summary>
    public static List<byte[]> Receive(Socket socket, int expected)
    {
        var received = new List<byte[]>();
        var buffer = new byte[2048];
        while (received.Count < expected)
        {
            try
            {
                int length = socket.Receive(buffer);
                received.Add(buffer[..length]);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
            {
                break;
            }
        }
        return received;
    }

    /// <summary>
    /// Sends <paramref name="count"/> ICMP echo requests with 56 bytes of data (a 98-byte frame, as ping sends) from
    /// namespace <paramref name="ns"/> to <paramref name="to"/> through a raw socket, and returns how many replies came back.
    /// </summary>
    public static int Ping(string ns, IPAddress to, int count) => NamespacePair.In(ns, () =>
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Icmp) { ReceiveTimeout = 1500 };
        ushort identifier = (ushort)Random.Shared.Next(1, 65535);
        for (int sequence = 0; sequence < count; sequence++)
        {
            var request = new byte[8 + 56];
            request[0] = 8; // echo request
            request[4] = (byte)(identifier >> 8);
            request[5] = (byte)identifier;
            request[7] = (byte)sequence;
            ushort checksum = Checksum(request);
            request[2] = (byte)(checksum >> 8);
            request[3] = (byte)checksum;
            socket.SendTo(request, new IPEndPoint(to, 0));
        }
        int replies = 0;
        var buffer = new byte[2048];
        while (replies < count)
        {
            try
            {
                int length = socket.Receive(buffer);
                int icmp = (buffer[0] & 0xf) * 4; // a raw socket receives the IP header too
                if (length >= icmp + 8 && buffer[icmp] == 0 && buffer[icmp + 4] == (byte)(identifier >> 8) && buffer[icmp + 5] == (byte)identifier) replies++;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
            {
                break;
            }
        }
        return replies;
    });

    private static ushort Checksum(byte[] data)
    {
        uint sum = 0;
        for (int i = 0; i + 1 < data.Length; i += 2) sum += (uint)(data[i] << 8 | data[i + 1]);
        while (sum >> 16 != 0) sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)~sum;
    }
}
