using System.Net;
using System.Net.Sockets;
using Ebpf.Isa.Text;
using Ebpf.Linux.Kernel;
using Ebpf.Linux.Links;
using Ebpf.ProgramTypes;
using Xunit.Abstractions;
using static Ebpf.Linux.Tests.Links.LinkTestPrograms;

namespace Ebpf.Linux.Tests.Links;

/// <summary>A socket filter attached to a .NET UDP socket keeps only the datagrams it accepts until it is detached.</summary>
public class SocketFilterLinkTests(ITestOutputHelper output)
{
    /// <summary>Keeps packets longer than 12 bytes: a UDP socket's filter sees the UDP header, so payloads over 4 bytes.</summary>
    private static KernelProgram LengthFilter() => KernelProgram.Load(Assembler.Assemble("""
        r0 = *(u32 *)(r1 + 0)
        if r0 > 12 goto keep
        r0 = 0
        exit
        keep:
        r0 = 65535
        exit
        """), ProgramTypeId.SocketFilter, "length_filter");

    [Fact]
    public void A_udp_socket_receives_only_what_its_filter_accepts_until_the_filter_is_detached()
    {
        if (KernelRequirement.Missing(output)) return;
        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 1000 };
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        int[] sizes = [2, 10, 4, 5, 30, 1];
        void SendAll()
        {
            foreach (int size in sizes) sender.SendTo(Enumerable.Repeat((byte)size, size).ToArray(), receiver.LocalEndPoint!);
        }

        using var program = LengthFilter();
        var link = program.AttachSocketFilter(receiver);
        output.WriteLine(link.ToString());
        Assert.False(link.IsBpfLink);
        Assert.Equal(0u, link.Id);
        Assert.Throws<NotSupportedException>(() => link.Pin("/sys/fs/bpf/never"));
        SendAll();
        Assert.Equal([10, 5, 30], Receive(receiver, sizes.Length).Select(d => d.Length));

        link.Dispose();
        link.Dispose();
        SendAll();
        Assert.Equal(sizes, Receive(receiver, sizes.Length).Select(d => d.Length));
    }

    [Fact]
    public void A_program_of_another_type_is_refused_with_the_reason()
    {
        if (KernelRequirement.Missing(output)) return;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var xdp = Constant(ProgramTypeId.Xdp, 2);
        var error = Assert.Throws<AttachException>(() => xdp.AttachSocketFilter(socket));
        output.WriteLine(error.Message);
        Assert.Equal(Errno.EINVAL, error.ErrorNumber);
        Assert.Contains("a socket needs a socket_filter program", error.Message);
    }
}
