using Ebpf.Elf;
using Ebpf.Linux.Programs;
using Ebpf.Linux.Tests.Examples;
using Ebpf.Runtime;
using Ebpf.Tests.Helpers;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Helpers;

/// <summary>
/// bpf_loop and bpf_for_each_map_elem against the kernel: each program of tests/objects/callbacks.c runs its packets
/// in order through BPF_PROG_TEST_RUN (with kernel maps) and through every engine, and the return values and map
/// contents must be equal. The kernel needs BTF func_info for callbacks; the loader synthesizes it.
/// </summary>
public class CallbackKernelTests(ITestOutputHelper output)
{
    public static TheoryData<string> Programs() => new(CallbackObjectCases.ProgramNames);

    [Fact]
    public void The_kernel_runs_the_loaders_bpf_loop_object_as_we_do()
    {
        if (KernelRequirement.Missing(output)) return;
        var spec = ObjectFile.Load(Path.Combine(ExampleKernelComparisonTests.RepositoryRoot(), "tests", "objects", "loop_callback.o"));
        using var kernel = KernelTestProgram.Load(spec.Program("sum_indices").Instructions, Ebpf.ProgramTypes.KnownProgramTypes.Xdp);
        Assert.Equal(2u, kernel.TestRun(new byte[14]).ReturnValue); // XDP_PASS: the callback added 0..9 to 45
    }

    /// <summary>
    /// bpf_loop(loops, add_index, &amp;total, flags) as bare assembled instructions, a socket filter: the kernel loads
    /// it with the BTF func_info the backend synthesizes; r0 = result * 1000 + total on every engine and in the kernel.
    /// </summary>
    [Theory]
    [InlineData("10", "0")]
    [InlineData("0", "0")]
    [InlineData("0x800000", "1")]
    [InlineData("0x800001", "0")]
    [InlineData("7", "2")]
    public void An_assembled_bpf_loop_equals_the_kernel(string loops, string flags)
    {
        if (KernelRequirement.Missing(output)) return;
        var program = Ebpf.Isa.Text.Assembler.Assemble($"""
            r1 = 0
            *(u64 *)(r10 - 8) = r1
            r1 = {loops}
            r2 = add_index ll
            r3 = r10
            r3 += -8
            r4 = {flags}
            call 181
            r0 *= 1000
            r1 = *(u64 *)(r10 - 8)
            r0 += r1
            exit
            add_index:
            r3 = *(u64 *)(r2 + 0)
            r3 += r1
            *(u64 *)(r2 + 0) = r3
            r0 = 0
            exit
            """);
        var type = Ebpf.ProgramTypes.KnownProgramTypes.SocketFilter;
        byte[] packet = new byte[14];
        using var kernel = KernelTestProgram.Load(program, type);
        uint expected = kernel.TestRun(packet).ReturnValue;
        output.WriteLine($"kernel retval 0x{expected:x}");
        foreach (var (engine, checks) in CallbackObjectCases.Engines)
        {
            var ours = ExecutionEngines.Prepare(engine, program, Ebpf.TestRuns.TestRunner.OptionsFor(type, new ExecutionOptions { MemoryChecks = checks }));
            Assert.Equal(expected, Ebpf.TestRuns.TestRunner.Run(ours, type, packet).ReturnValue);
        }
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void Callback_programs_equal_the_kernel(string program)
    {
        if (KernelRequirement.Missing(output)) return;
        var spec = ObjectFile.Load(Path.Combine(ExampleKernelComparisonTests.RepositoryRoot(), "tests", "objects", CallbackObjectCases.ObjectName));
        using var kernelMaps = new KernelSpecMaps(spec);
        using var kernel = KernelTestProgram.Load(kernelMaps.Program(program), LoadedCollection.TypeOf(spec.Program(program))!);
        uint[] expected = [.. CallbackObjectCases.Packets(program).Select(packet => kernel.TestRun(packet).ReturnValue)];
        string[] expectedMaps =
        [
            .. CallbackObjectCases.ComparedMaps(program).SelectMany(m => m.Keys.Select(key =>
            {
                int valueSize = (int)spec.Maps[spec.IndexOfMap(m.Map)].ValueSize;
                byte[]? value = kernelMaps.Lookup(m.Map, BitConverter.GetBytes(key), valueSize);
                return CallbackObjectCases.Describe(m.Map, key, value);
            })),
        ];
        output.WriteLine($"kernel retvals: {string.Join(", ", expected.Select(r => $"0x{r:x}"))}");
        foreach (var line in expectedMaps) output.WriteLine(line);

        foreach (var (engine, checks) in CallbackObjectCases.Engines)
        {
            var (retvals, maps) = CallbackObjectCases.Run(spec, program, engine, checks);
            Assert.Equal(expected, retvals);
            Assert.Equal(expectedMaps, maps);
        }
    }
}
