using Ebpf.Elf;
using Ebpf.Runtime;
using Ebpf.Tests.Elf;

namespace Ebpf.Tests.Helpers;

/// <summary>
/// tests/objects/callbacks.c, compiled by clang: bpf_loop and bpf_for_each_map_elem callbacks as clang emits them
/// (function references relocated by the loader), on the interpreter and the JIT in both memory modes. The kernel
/// differential test (Ebpf.Linux.Tests CallbackKernelTests) checks the same runs against BPF_PROG_TEST_RUN.
/// </summary>
public class CallbackObjectTests
{
    public static TheoryData<string> Programs() => new(CallbackObjectCases.ProgramNames);

    [Fact]
    public void Callbacks_load_as_static_functions_referenced_by_lddw_source_4()
    {
        var program = TestObjects.Load(CallbackObjectCases.ObjectName).Program("hash_walk");
        var references = program.Relocations.Where(r => r.Kind == ProgramRelocationKind.FunctionAddress).ToList();
        Assert.Equal(["visit_count"], references.Select(r => r.Target));
        var load = program.Instructions[references[0].InstructionIndex];
        Assert.Equal((byte)Ebpf.Isa.LddwSource.Function, load.Source);
        int target = references[0].InstructionIndex + 1 + load.Immediate;
        Assert.Equal(program.Functions.Single(f => f.Name == "visit_count").StartIndex, target);
    }

    [Fact]
    public void The_loaders_bpf_loop_object_sums_its_indices_on_every_engine()
    {
        // loop_callback.c: bpf_loop(10, add_index, &state, 0) adds 0..9; 45 gives XDP_PASS (2)
        var spec = TestObjects.Load("loop_callback.o");
        foreach (var (engine, checks) in Engines())
        {
            using var collection = LoadedCollection.Create(spec);
            var program = collection.Program("sum_indices", engine, new ExecutionOptions { MemoryChecks = checks });
            Assert.Equal(2u, Ebpf.TestRuns.TestRunner.Run(program, Ebpf.ProgramTypes.KnownProgramTypes.Xdp, new byte[14]).ReturnValue);
        }
    }

    [Fact]
    public void Checksum_loop_adds_the_packet_bytes_and_stops_at_its_end()
    {
        // 17 bytes (header and 1, 2, 3): one iteration per byte, plus the one that finds the end and stops
        byte[] packet = CallbackObjectCases.Packets("checksum_loop")[1];
        int sum = packet.Sum(b => b);
        foreach (var run in RunAll("checksum_loop"))
            Assert.Equal((uint)((packet.Length + 1) << 16 | sum), run[1]);
    }

    [Fact]
    public void Loop_contract_follows_the_kernels_rules()
    {
        foreach (var run in RunAll("loop_contract"))
        {
            uint Weights(int calls) => (uint)Enumerable.Range(0, calls).Sum(i => i * 3 + 1) << 12;
            Assert.Equal(10u ^ Weights(10), run[0]);          // 10 iterations, no stop
            Assert.Equal(4u ^ Weights(4), run[1]);            // stops at index 3: 4 iterations
            Assert.Equal(0u, run[2]);                         // nr_loops 0
            Assert.Equal(1u ^ Weights(1), run[3]);
            Assert.Equal(unchecked((uint)-7), run[4]);        // 1 << 23 + 1: -E2BIG
            Assert.Equal(unchecked((uint)-7), run[5]);
            Assert.Equal(unchecked((uint)-22), run[6]);       // flags: -EINVAL
            Assert.Equal(unchecked((uint)-22), run[7]);       // flags before nr_loops
        }
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void Every_engine_gives_the_same_results_and_maps(string program)
    {
        var results = Engines().Select(engine => Run(program, engine.Engine, engine.Checks)).ToList();
        foreach (var (retvals, maps) in results.Skip(1))
        {
            Assert.Equal(results[0].Retvals, retvals);
            Assert.Equal(results[0].Maps, maps);
        }
    }

    private static IEnumerable<uint[]> RunAll(string program) => Engines().Select(e => Run(program, e.Engine, e.Checks).Retvals);

    private static IEnumerable<(ExecutionEngine Engine, MemoryChecks Checks)> Engines() => CallbackObjectCases.Engines;

    private static (uint[] Retvals, string[] Maps) Run(string program, ExecutionEngine engine, MemoryChecks checks) =>
        CallbackObjectCases.Run(TestObjects.Load(CallbackObjectCases.ObjectName), program, engine, checks);
}
