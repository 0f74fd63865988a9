using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Ebpf.Capture;

namespace Ebpf.Linux.Capture;

/// <summary>
/// Live packets from a network interface: an <c>AF_PACKET</c> raw socket bound to it (all protocols), read as a
/// capture. It delivers the frames the interface receives (its own outgoing frames are left out, as XDP sees only
/// ingress) with their link-layer header, until a duration or packet count is reached or <see cref="Stop"/> is
/// called; <see cref="Send"/> transmits frames out of the interface (XDP_TX). Needs CAP_NET_RAW.
/// </summary>
public sealed unsafe partial class PacketSocket : ICaptureReader
{
    private const int AfPacket = 17, SockRaw = 3, SockDgram = 2, SoAttachBpf = 50, EthPAll = 0x0003, SolSocket = 1, SoRcvtimeo = 20, MsgTrunc = 0x20;
    private const int PacketOutgoing = 4, ArphrdEther = 1, ArphrdLoopback = 772, ArphrdNone = 0xfffe;
    private const int EAgain = 11, EIntr = 4;
    private const int SolPacket = 263, PacketAuxdata = 8, PacketStatistics = 6, SoRcvbuf = 8, SoRcvbufForce = 33;
    private const uint TpStatusVlanValid = 1 << 4, TpStatusVlanTpidValid = 1 << 6;

    /// <summary>The receive buffer asked for, so that bursts are not dropped while the program runs.</summary>
    public const int ReceiveBufferBytes = 16 << 20;

    /// <summary>The largest frame kept whole (longer ones are cut, their original length kept).</summary>
    public const int SnapshotLength = 65536;

    private readonly int _fd;
    private readonly byte[] _buffer = new byte[SnapshotLength];
    private readonly byte[] _control = new byte[256];
    private readonly long _deadline;
    private readonly long _packetLimit;
    private volatile bool _stopped;
    private long _records;
    private int _closed;

    private readonly bool _linkLayer;

    private PacketSocket(int fd, string name, int index, long deadline, long packetLimit, bool linkLayer)
    {
        _linkLayer = linkLayer;
        _fd = fd;
        InterfaceName = name;
        InterfaceIndex = index;
        _deadline = deadline;
        _packetLimit = packetLimit;
    }

    /// <summary>
    /// Attaches a socket-filter program loaded in the kernel (SO_ATTACH_BPF): from then on the socket receives only the
    /// frames it accepts, cut to the length it returns.
    /// </summary>
    public void AttachFilter(int programFd)
    {
        if (setsockopt(_fd, SolSocket, SoAttachBpf, &programFd, sizeof(int)) < 0)
            throw new PacketSocketException("setsockopt(SO_ATTACH_BPF)", Marshal.GetLastPInvokeError(), "the program must be a loaded socket filter");
    }

    /// <summary>
    /// Opens a packet socket on <paramref name="interfaceName"/>, in the network namespace named
    /// <paramref name="networkNamespace"/> (as <c>ip netns</c> names them) or the current one.
    /// </summary>
    /// <param name="interfaceName">The interface, e.g. <c>eth0</c>.</param>
    /// <param name="networkNamespace">An <c>ip netns</c> name, or null for the current namespace.</param>
    /// <param name="duration">Reading ends after this long (null: no limit).</param>
    /// <param name="packetLimit">Reading ends after this many packets (0: no limit).</param>
    /// <exception cref="PacketSocketException">No such interface, no privilege (CAP_NET_RAW), or not Linux.</exception>
    /// <param name="linkLayer">
    /// True (SOCK_RAW): frames with their link-layer header. False (SOCK_DGRAM): from the network header on, which is
    /// also what a socket filter attached with <see cref="AttachFilter"/> then sees.
    /// </param>
    public static PacketSocket Open(string interfaceName, string? networkNamespace = null, TimeSpan? duration = null, long packetLimit = 0,
        bool linkLayer = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(interfaceName);
        if (!OperatingSystem.IsLinux()) throw new PacketSocketException("socket(AF_PACKET)", 38, "live capture uses Linux packet sockets");
        long deadline = duration is { } d ? Environment.TickCount64 + (long)d.TotalMilliseconds : long.MaxValue;
        if (networkNamespace is null)
        {
            var (fd, index) = OpenHere(interfaceName, linkLayer);
            return new PacketSocket(fd, interfaceName, index, deadline, packetLimit, linkLayer);
        }
        // setns changes only the calling thread: a dedicated thread enters the namespace, makes the socket (which
        // stays in that namespace for good) and ends, so no thread of the process is left in another namespace.
        (int Fd, int Index)? opened = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                opened = OpenInNamespace(interfaceName, networkNamespace, linkLayer);
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null) throw failure;
        return new PacketSocket(opened!.Value.Fd, interfaceName, opened.Value.Index, deadline, packetLimit, linkLayer);
    }

    private static (int Fd, int Index) OpenInNamespace(string interfaceName, string networkNamespace, bool linkLayer)
    {
        string path = Path.Combine("/var/run/netns", networkNamespace);
        int target = open(path, 0x80000 /* O_RDONLY | O_CLOEXEC */);
        if (target < 0) throw new PacketSocketException($"open({path})", Marshal.GetLastPInvokeError(), $"is there a network namespace '{networkNamespace}' (ip netns list)?");
        try
        {
            if (setns(target, 0x40000000 /* CLONE_NEWNET */) < 0)
                throw new PacketSocketException($"setns({networkNamespace})", Marshal.GetLastPInvokeError(), "entering a network namespace needs CAP_SYS_ADMIN");
            return OpenHere(interfaceName, linkLayer);
        }
        finally
        {
            close(target);
        }
    }

    private static (int Fd, int Index) OpenHere(string interfaceName, bool linkLayer)
    {
        int index = (int)if_nametoindex(interfaceName);
        if (index == 0)
            throw new PacketSocketException($"if_nametoindex({interfaceName})", Marshal.GetLastPInvokeError(), $"there is no interface '{interfaceName}' here (ip link lists them)");
        int fd = socket(AfPacket, (linkLayer ? SockRaw : SockDgram) | 0x80000 /* SOCK_CLOEXEC */, BinaryPrimitives.ReverseEndianness((ushort)EthPAll));
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new PacketSocketException("socket(AF_PACKET, SOCK_RAW)", errno,
                errno is 1 or 13 ? "live capture needs CAP_NET_RAW: run as root or grant the capability (setcap cap_net_raw+ep)" : "");
        }
        try
        {
            var address = new SockaddrLl { Family = AfPacket, Protocol = BinaryPrimitives.ReverseEndianness((ushort)EthPAll), InterfaceIndex = index };
            if (bind(fd, &address, sizeof(SockaddrLl)) < 0)
                throw new PacketSocketException($"bind(AF_PACKET, {interfaceName})", Marshal.GetLastPInvokeError(), "");
            // The VLAN tag a device strips on receive (rx VLAN offload) comes back as auxiliary data, and is put back
            // into the frame, as libpcap does: programs see the frame as it was on the wire.
            int on = 1;
            if (setsockopt(fd, SolPacket, PacketAuxdata, &on, sizeof(int)) < 0)
                throw new PacketSocketException("setsockopt(PACKET_AUXDATA)", Marshal.GetLastPInvokeError(), "");
            int bytes = ReceiveBufferBytes;
            if (setsockopt(fd, SolSocket, SoRcvbufForce, &bytes, sizeof(int)) < 0)
                setsockopt(fd, SolSocket, SoRcvbuf, &bytes, sizeof(int)); // without CAP_NET_ADMIN: up to net.core.rmem_max
            // Reads wake up every 100 ms to notice the deadline and Stop().
            var timeout = new Timeval { Seconds = 0, Microseconds = 100_000 };
            if (setsockopt(fd, SolSocket, SoRcvtimeo, &timeout, sizeof(Timeval)) < 0)
                throw new PacketSocketException("setsockopt(SO_RCVTIMEO)", Marshal.GetLastPInvokeError(), "");
            return (fd, index);
        }
        catch
        {
            close(fd);
            throw;
        }
    }

    /// <summary>The interface's name.</summary>
    public string InterfaceName { get; }

    /// <summary>Its index (in its namespace).</summary>
    public int InterfaceIndex { get; }

    /// <summary>Frames this host sent on the interface, seen and left out.</summary>
    public long OutgoingSkipped { get; private set; }

    /// <inheritdoc />
    public CaptureFormat Format => CaptureFormat.Pcap;

    /// <summary>Bytes received so far.</summary>
    public long Position { get; private set; }

    /// <summary>Ends reading: the next <see cref="TryRead"/> (within 100 ms if one is waiting) returns false.</summary>
    public void Stop() => _stopped = true;

    /// <summary>Waits for the next frame the interface receives; false once stopped, past the duration or at the packet limit.</summary>
    /// <exception cref="PacketSocketException">The socket failed.</exception>
    public bool TryRead(out CapturedPacket packet)
    {
        packet = default;
        while (!_stopped && (_packetLimit == 0 || _records < _packetLimit) && Environment.TickCount64 < _deadline)
        {
            SockaddrLl from;
            long received;
            uint vlanStatus = 0;
            ushort vlanTci = 0, vlanTpid = 0;
            fixed (byte* buffer = _buffer)
            fixed (byte* control = _control)
            {
                var vector = new IoVector { Base = buffer, Length = _buffer.Length };
                var message = new MessageHeader
                {
                    Name = &from, NameLength = sizeof(SockaddrLl), Vector = &vector, VectorLength = 1,
                    Control = control, ControlLength = _control.Length,
                };
                received = recvmsg(_fd, &message, MsgTrunc);
                if (received >= 0) FindVlan(control, (long)message.ControlLength, ref vlanStatus, ref vlanTci, ref vlanTpid);
            }
            if (from.PacketType == PacketOutgoing)
            {
                OutgoingSkipped++;
                continue;
            }
            int kept = (int)Math.Min(received, _buffer.Length);
            Position += kept;
            _records++;
            var linkType = !_linkLayer ? LinkType.Raw : from.HardwareType switch
            {
                ArphrdEther or ArphrdLoopback => LinkType.Ethernet,
                ArphrdNone => LinkType.Raw,
                var other => (LinkType)other,
            };
            long now = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
            byte[] data;
            int original = (int)received;
            if ((vlanStatus & TpStatusVlanValid) != 0 && linkType == LinkType.Ethernet && kept >= 12)
            {
                ushort tpid = (vlanStatus & TpStatusVlanTpidValid) != 0 ? vlanTpid : (ushort)0x8100;
                data = [.. _buffer.AsSpan(0, 12), (byte)(tpid >> 8), (byte)tpid, (byte)(vlanTci >> 8), (byte)vlanTci, .. _buffer.AsSpan(12, kept - 12)];
                original += 4;
            }
            else
            {
                data = _buffer.AsSpan(0, kept).ToArray();
            }
            packet = new CapturedPacket(now, linkType, data, original, 0, _records);
            return true;
        }
        return false;
    }

    /// <summary>Finds <c>struct tpacket_auxdata</c> among the control messages and takes its VLAN fields.</summary>
    private static void FindVlan(byte* control, long length, ref uint status, ref ushort tci, ref ushort tpid)
    {
        long at = 0;
        while (at + 16 <= length)
        {
            long size = *(long*)(control + at);
            if (size < 16) return;
            int level = *(int*)(control + at + 8), type = *(int*)(control + at + 12);
            if (level == SolPacket && type == PacketAuxdata && size >= 16 + 20)
            {
                byte* data = control + at + 16;
                status = *(uint*)data;
                tci = *(ushort*)(data + 16);
                tpid = *(ushort*)(data + 18);
                return;
            }
            at += (size + 7) & ~7L;
        }
    }

    /// <summary>
    /// The kernel's counts for this socket since the last call (PACKET_STATISTICS): frames received, and frames dropped
    /// because the receive buffer was full.
    /// </summary>
    public (long Received, long Dropped) TakeStatistics()
    {
        var statistics = stackalloc uint[2];
        int length = 8;
        if (getsockopt(_fd, SolPacket, PacketStatistics, statistics, &length) < 0)
            throw new PacketSocketException("getsockopt(PACKET_STATISTICS)", Marshal.GetLastPInvokeError(), "");
        return (statistics[0], statistics[1]);
    }

    /// <summary>Transmits <paramref name="frame"/> (link-layer header included) out of the interface.</summary>
    /// <exception cref="PacketSocketException">The kernel refused (for instance a frame longer than the MTU: EMSGSIZE).</exception>
    public void Send(ReadOnlySpan<byte> frame)
    {
        fixed (byte* bytes = frame)
        {
            if (send(_fd, bytes, frame.Length, 0) < 0)
                throw new PacketSocketException($"send({InterfaceName}, {frame.Length} bytes)", Marshal.GetLastPInvokeError(), "");
        }
    }

    /// <summary>Closes the socket.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0) close(_fd);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct SockaddrLl
    {
        public ushort Family;
        public ushort Protocol;
        public int InterfaceIndex;
        public ushort HardwareType;
        public byte PacketType;
        public byte AddressLength;
        public ulong Address;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVector
    {
        public byte* Base;
        public long Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MessageHeader
    {
        public void* Name;
        public int NameLength;
        public IoVector* Vector;
        public long VectorLength;
        public void* Control;
        public long ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timeval
    {
        public long Seconds;
        public long Microseconds;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int bind(int fd, void* address, int length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setsockopt(int fd, int level, int name, void* value, int length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial long recvmsg(int fd, MessageHeader* message, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getsockopt(int fd, int level, int name, void* value, int* length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial long send(int fd, byte* buffer, long length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial uint if_nametoindex(string name);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(int fd, int type);
}
