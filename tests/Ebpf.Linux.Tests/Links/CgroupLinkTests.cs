using System.Net;
using System.Net.Sockets;
using Ebpf.Isa.Text;
using Ebpf.Linux.Kernel;
using Ebpf.Linux.Links;
using Ebpf.Maps;
using Ebpf.ProgramTypes;
using Xunit.Abstractions;
using static Ebpf.Linux.Tests.Links.LinkTestPrograms;

namespace Ebpf.Linux.Tests.Links;

/// <summary>
/// A cgroup_skb egress program on a test cgroup sees exactly the datagrams a process in that cgroup sends, and its
/// verdict decides whether they leave; processes outside the cgroup are not affected.
/// </summary>
public class CgroupLinkTests(ITestOutputHelper output)
{
    private static string? CgroupRoot() =>
        File.ReadLines("/proc/self/mounts").Select(l => l.Split(' ')).FirstOrDefault(f => f.Length > 2 && f[2] == "cgroup2")?[1];

    /// <summary>Counts packets and bytes (skb->len: from the IP header on) in slot 0 of <paramref name="counter"/> and returns <paramref name="verdict"/>.</summary>
    private static KernelProgram Counter(KernelMap counter, int verdict) => KernelProgram.Load(Assembler.Assemble($"""
        r6 = r1
        *(u32 *)(r10 - 4) = 0
        r1 = map_fd({counter.FileDescriptor}) ll
        r2 = r10
        r2 += -4
        call 1
        if r0 == 0 goto out
        r1 = 1
        lock *(u64 *)(r0 + 0) += r1
        r1 = *(u32 *)(r6 + 0)
        lock *(u64 *)(r0 + 8) += r1
        out:
        r0 = {verdict}
        exit
        """), ProgramTypeId.CgroupSkb, $"egress_{verdict}", expectedAttachType: AttachTypeId.CgroupInetEgress);

    [Theory]
    [InlineData(1, 3)]
    [InlineData(0, 0)]
    public void Cgroup_skb_egress_sees_and_decides_the_datagrams_of_a_process_in_the_cgroup(int verdict, int expectedReceived)
    {
        if (KernelRequirement.Missing(output)) return;
        string? root = CgroupRoot();
        if (root is null)
        {
            output.WriteLine("SKIPPED: no cgroup v2 hierarchy is mounted");
            return;
        }
        string cgroup = Path.Combine(root, $"ebpf-test-{Environment.ProcessId}-{Random.Shared.Next(100000)}");
        try
        {
            Directory.CreateDirectory(cgroup);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            output.WriteLine($"SKIPPED: cannot create a cgroup under {root}: {e.Message}");
            return;
        }
        try
        {
            using var counter = KernelMap.Create(new MapSpec("egress_count", MapType.Array, 4, 16, 1));
            using var program = Counter(counter, verdict);
            using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 1000 };
            receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            int port = ((IPEndPoint)receiver.LocalEndPoint!).Port;
            using (var link = program.AttachCgroup(cgroup, AttachTypeId.CgroupInetEgress))
            {
                output.WriteLine(link.ToString());
                var info = link.Info();
                Assert.Equal(LinkType.Cgroup, info.Type);
                Assert.Equal(AttachTypeId.CgroupInetEgress, info.AttachType);
                Assert.Equal(program.Id, info.ProgramId);
                // The child joins the cgroup, then makes its socket (a socket belongs to its creator's cgroup) and sends 3 datagrams.
                var (code, _, errors) = NamespacePair.Run("bash", "-c",
                    $"echo $$ > {cgroup}/cgroup.procs && exec 3<>/dev/udp/127.0.0.1/{port} && {{ printf AAAA >&3; printf BBBB >&3; printf CCCC >&3; }}");
                output.WriteLine($"sender exit {code} {errors.Trim()}");
                Assert.Equal(expectedReceived, Receive(receiver, 3).Count);
                var value = counter.Lookup(new byte[4])!;
                Assert.Equal(3UL, BitConverter.ToUInt64(value, 0));
                Assert.Equal(3UL * (20 + 8 + 4), BitConverter.ToUInt64(value, 8));

                // This process is outside the cgroup: its datagrams are neither counted nor dropped.
                using var outsider = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                outsider.SendTo("DDDD"u8.ToArray(), receiver.LocalEndPoint!);
                Assert.Single(Receive(receiver, 1));
                Assert.Equal(3UL, BitConverter.ToUInt64(counter.Lookup(new byte[4])!, 0));
            }
        }
        finally
        {
            for (int attempt = 0; attempt < 50 && Directory.Exists(cgroup); attempt++)
            {
                try
                {
                    Directory.Delete(cgroup);
                }
                catch (IOException)
                {
                    Thread.Sleep(20); // the exited child may take a moment to leave the cgroup
                }
            }
        }
    }

    [Fact]
    public void A_missing_cgroup_directory_is_named()
    {
        if (KernelRequirement.Missing(output)) return;
        using var counter = KernelMap.Create(new MapSpec("egress_count", MapType.Array, 4, 16, 1));
        using var program = Counter(counter, 1);
        var error = Assert.Throws<AttachException>(() => program.AttachCgroup("/sys/fs/cgroup/no-such-cgroup-here", AttachTypeId.CgroupInetEgress));
        output.WriteLine(error.Message);
        Assert.Equal(Errno.ENOENT, error.ErrorNumber);
        Assert.Contains("cgroup '/sys/fs/cgroup/no-such-cgroup-here'", error.Message);
    }
}
