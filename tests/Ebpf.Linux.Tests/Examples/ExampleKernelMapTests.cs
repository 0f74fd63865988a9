using Ebpf.Elf;
using Ebpf.Linux.Programs;
using Ebpf.ProgramTypes;
using Ebpf.Runtime;
using Ebpf.TestRuns;
using Ebpf.Tests.Examples;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Examples;

/// <summary>
/// The example programs with maps against the kernel: every committed object passes the verifier, and tc_marker and
/// xdp_counter leave the same verdicts, packets and map contents as on our engines.
/// </summary>
public class ExampleKernelMapTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("xdp_counter.o")]
    [InlineData("socket_filter.o")]
    [InlineData("tc_marker.o")]
    [InlineData("maps_tour.o")]
    [InlineData("xdp_rewrite.o")]
    public void The_kernel_verifier_accepts_every_program(string objectName)
    {
        if (KernelRequirement.Missing(output)) return;
        var spec = ObjectFile.Load(Path.Combine(ExampleKernelComparisonTests.RepositoryRoot(), "examples", objectName));
        using var maps = new KernelSpecMaps(spec);
        foreach (var program in spec.Programs)
        {
            using var loaded = KernelTestProgram.Load(maps.Program(program.Name), LoadedCollection.TypeOf(program)!);
            output.WriteLine($"{program.Name}: verified with {spec.Maps.Count} maps");
        }
    }

    [Fact]
    public void Tc_marker_drops_and_counts_like_the_kernel()
    {
        if (KernelRequirement.Missing(output)) return;
        byte[][] packets =
        [
            Packets.Ipv4Udp("10.0.0.1", "10.0.0.2", 53), Packets.Ipv4Udp("10.0.0.66", "10.0.0.2", 53),
            Packets.Ipv4Tcp("10.0.0.66", "10.0.0.2", 22), Packets.Ipv4Tcp("10.0.0.2", "10.0.0.66", 22),
            Packets.Ipv6Udp(53), Packets.Arp(), Packets.ShortArp(),
        ];
        byte[] blocked = Packets.Address("10.0.0.66");
        var (kernel, ours) = RunBoth("tc_marker.o", "firewall", packets, KnownProgramTypes.SchedCls,
            setUpKernel: maps => maps.Update("blocked_sources", blocked, new byte[8]),
            setUpOurs: maps => maps.Map("blocked_sources").Update(blocked, new byte[8]),
            readKernel: maps => maps.Lookup("blocked_sources", blocked, 8)!,
            readOurs: maps => maps.Map("blocked_sources").Lookup(blocked)!);
        Assert.Equal(2UL, BitConverter.ToUInt64(ours));
        Assert.Equal(Convert.ToHexString(kernel), Convert.ToHexString(ours));
    }

    [Fact]
    public void Xdp_counter_counts_like_the_kernel()
    {
        if (KernelRequirement.Missing(output)) return;
        byte[][] packets =
        [
            Packets.Ipv4Udp("10.0.0.1", "10.0.0.2", 53), Packets.Ipv4Tcp("10.0.0.1", "10.0.0.2", 80), Packets.Ipv6Udp(53),
            Packets.Arp(), Packets.TooShortForIp(),
        ];
        for (uint slot = 0; slot < 4; slot++)
        {
            byte[] key = BitConverter.GetBytes(slot);
            var (kernel, ours) = RunBoth("xdp_counter.o", "count_protocols", packets, KnownProgramTypes.Xdp,
                setUpKernel: _ => { }, setUpOurs: _ => { },
                readKernel: maps => SumPerCpu(maps.Lookup("traffic_by_protocol", key, 16 * Ebpf.Linux.Kernel.PossibleCpus.Count)!),
                readOurs: maps => SumPerCpu(maps.Map("traffic_by_protocol").Lookup(key)!));
            Assert.Equal(Convert.ToHexString(kernel), Convert.ToHexString(ours));
            output.WriteLine($"slot {slot}: {Convert.ToHexString(ours)}");
        }
    }

    /// <summary>Runs the packets through the kernel and through both engines; returns what each left in its maps.</summary>
    private static (byte[] Kernel, byte[] Ours) RunBoth(string objectName, string programName, byte[][] packets, ProgramType type,
        Action<KernelSpecMaps> setUpKernel, Action<LoadedCollection> setUpOurs,
        Func<KernelSpecMaps, byte[]> readKernel, Func<LoadedCollection, byte[]> readOurs)
    {
        var spec = ObjectFile.Load(Path.Combine(ExampleKernelComparisonTests.RepositoryRoot(), "examples", objectName));
        using var kernelMaps = new KernelSpecMaps(spec);
        setUpKernel(kernelMaps);
        using var kernel = KernelTestProgram.Load(kernelMaps.Program(programName), type);
        var expected = packets.Select(packet => kernel.TestRun(packet)).ToArray();
        byte[] kernelState = readKernel(kernelMaps);

        byte[]? ourState = null;
        foreach (var engine in new[] { ExecutionEngine.Interpreter, ExecutionEngine.Jit })
        {
            using var collection = LoadedCollection.Create(spec);
            setUpOurs(collection);
            var program = collection.Program(programName, engine);
            for (int i = 0; i < packets.Length; i++)
            {
                var result = TestRunner.Run(program, type, packets[i]);
                Assert.Equal(expected[i].ReturnValue, result.ReturnValue);
                Assert.Equal(Convert.ToHexString(expected[i].DataOut), Convert.ToHexString(result.DataOut));
            }
            byte[] state = readOurs(collection);
            if (ourState is not null) Assert.Equal(ourState, state);
            ourState = state;
        }
        return (kernelState, ourState!);
    }

    /// <summary>Adds up a per-CPU value of two u64 counters over every CPU's 16-byte copy.</summary>
    private static byte[] SumPerCpu(byte[] values)
    {
        ulong packets = 0, bytes = 0;
        for (int offset = 0; offset + 16 <= values.Length; offset += 16)
        {
            packets += BitConverter.ToUInt64(values, offset);
            bytes += BitConverter.ToUInt64(values, offset + 8);
        }
        return [.. BitConverter.GetBytes(packets), .. BitConverter.GetBytes(bytes)];
    }
}
