using Ebpf.Elf;
using Ebpf.Linux;
using Ebpf.Linux.Programs;
using Ebpf.ProgramTypes;
using Ebpf.Runtime;
using Ebpf.TestRuns;
using Ebpf.Tests.Examples;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Examples;

/// <summary>
/// The map-free example programs (examples/socket_filter.c, examples/xdp_rewrite.c), loaded from their committed
/// objects, give the kernel's verdicts and output packets on both engines.
/// </summary>
public class ExampleKernelComparisonTests(ITestOutputHelper output)
{
    public static TheoryData<string> SocketFilterCases() => new(SocketFilterExample.Cases.Select(c => c.Name));

    public static TheoryData<string> XdpRewriteCases() => new(XdpRewriteExample.Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(SocketFilterCases))]
    public void Socket_filter_equals_the_kernel(string packetName) =>
        Compare("socket_filter.o", "dns_only", SocketFilterExample.Packet(packetName));

    [Theory]
    [MemberData(nameof(XdpRewriteCases))]
    public void Xdp_rewrite_equals_the_kernel(string packetName) =>
        Compare("xdp_rewrite.o", "reflect", XdpRewriteExample.Packet(packetName));

    /// <summary>
    /// The kernel refuses an skb test run on a frame that announces IPv4 without room for its header, and so does
    /// the user-space <see cref="TestRunner"/>.
    /// </summary>
    [Fact]
    public void The_kernel_refuses_a_socket_filter_run_on_ipv4_too_short_for_its_header()
    {
        var spec = ObjectFile.Load(Path.Combine(RepositoryRoot(), "examples", "socket_filter.o"));
        var ours = ExecutionEngines.Prepare(ExecutionEngine.Jit, spec.Program("dns_only").Instructions, TestRunner.OptionsFor(KnownProgramTypes.SocketFilter));
        Assert.Equal(22, Assert.Throws<TestRunException>(() => TestRunner.Run(ours, KnownProgramTypes.SocketFilter, Packets.TooShortForIp())).Errno);
        if (KernelRequirement.Missing(output)) return;
        using var kernel = KernelTestProgram.Load(spec.Program("dns_only").Instructions, KnownProgramTypes.SocketFilter);
        var error = Assert.Throws<KernelErrorException>(() => kernel.TestRun(Packets.TooShortForIp()));
        Assert.Equal(22, error.ErrorNumber); // EINVAL
    }

    private void Compare(string objectName, string programName, byte[] packet)
    {
        if (KernelRequirement.Missing(output)) return;
        var spec = ObjectFile.Load(Path.Combine(RepositoryRoot(), "examples", objectName));
        var programSpec = spec.Program(programName);
        Assert.Empty(spec.Maps); // KernelTestProgram loads programs without maps
        var type = LoadedCollection.TypeOf(programSpec)!;
        using var kernel = KernelTestProgram.Load(programSpec.Instructions, type);
        var expected = kernel.TestRun(packet);
        foreach (var engine in new[] { ExecutionEngine.Interpreter, ExecutionEngine.Jit })
        {
            var ours = TestRunner.Run(ExecutionEngines.Prepare(engine, programSpec.Instructions, TestRunner.OptionsFor(type)), type, packet);
            Assert.Equal(expected.ReturnValue, ours.ReturnValue);
            Assert.Equal(Convert.ToHexString(expected.DataOut), Convert.ToHexString(ours.DataOut));
        }
        output.WriteLine($"retval {expected.ReturnValue}, data_out {Convert.ToHexString(expected.DataOut)}");
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ebpf.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Ebpf.slnx above {AppContext.BaseDirectory}");
    }
}
