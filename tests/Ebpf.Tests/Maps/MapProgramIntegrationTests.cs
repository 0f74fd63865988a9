using Ebpf.Helpers;
using Ebpf.Isa;
using Ebpf.Maps;
using Ebpf.Runtime;
using Ebpf.Tests.Support;
using static Ebpf.Tests.Maps.MapTestHelpers;

namespace Ebpf.Tests.Maps;

/// <summary>
/// Maps seen from real programs in the interpreter: a test-local <c>bpf_map_lookup_elem</c> (the real helpers come
/// with the object loader) resolves the map handle, and the run's context admits the map's value regions.
/// </summary>
public class MapProgramIntegrationTests
{
    private static readonly HelperDescriptor LookupHelper = new(1, "map_lookup_elem", (r1, r2, _, _, _, context) =>
    {
        if (!MapRegistry.TryGetByHandle(r1, out var map)) return 0;
        context.GetMemory(r2, map.KeySize, write: false);
        return (ulong)map.LookupElement(r2, context.ProcessorSlot);
    });

    /// <summary>key = 0 on the stack; v = lookup(map, &amp;key); if (!v) return 0; atomic v += 1; return *v.</summary>
    private static Bytecode CountingProgram(Map map) => new ProgramBuilder()
        .Load64(1, (ulong)map.Handle)
        .Add(0x62, 10, 0, -4, 0)            // *(u32 *)(r10 - 4) = 0
        .MovReg(2, 10)
        .Add(0x07, 2, 0, 0, -4)             // r2 += -4
        .Add(0x85, 0, 0, 0, 1)              // call map_lookup_elem
        .Add(0x15, 0, 0, 4, 0)              // if r0 == 0 goto +4
        .Mov(1, 1)
        .Add(0xdb, 0, 1, 0, 0)              // lock *(u64 *)(r0 + 0) += r1
        .Add(0x79, 0, 0, 0, 0)              // r0 = *(u64 *)(r0 + 0)
        .Exit()
        .Mov(0, 0)
        .Exit()
        .Build();

    private static RunContext ContextFor(Map map, int processorSlot = 0)
    {
        var context = new RunContext { ProcessorSlot = processorSlot };
        foreach (var region in map.ValueRegions) context.AddRegion(region);
        return context;
    }

    [Fact]
    public void Programs_on_many_threads_count_exactly_through_a_map_value()
    {
        using var map = Create(MapType.Array, 4, 8, 1);
        var program = new Interpreter(CountingProgram(map), new ExecutionOptions { Helpers = new HelperTable([LookupHelper]) });
        Parallel.For(0, 20_000, _ => Assert.NotEqual(0UL, program.Run(ContextFor(map))));
        Assert.Equal(20_000UL, ReadU64(map.Lookup(U32(0))));
    }

    [Fact]
    public void Per_cpu_programs_count_in_their_own_slot()
    {
        using var map = Create(MapType.PerCpuArray, 4, 8, 1, processorCount: 2);
        var program = new Interpreter(CountingProgram(map), new ExecutionOptions { Helpers = new HelperTable([LookupHelper]) });
        for (int i = 0; i < 5; i++) program.Run(ContextFor(map, processorSlot: 1));
        Assert.Equal(1UL, program.Run(ContextFor(map, processorSlot: 0)));
        var all = map.Lookup(U32(0))!;
        Assert.Equal(1UL, ReadU64(all.AsSpan(0)));
        Assert.Equal(5UL, ReadU64(all.AsSpan(8)));
    }

    [Fact]
    public void A_store_into_a_read_only_program_map_faults_and_leaves_the_value_alone()
    {
        using var map = Create(MapType.Array, 4, 8, 1, MapCreationFlags.ReadOnlyProgram);
        map.Update(U32(0), U64(41));
        var program = new Interpreter(CountingProgram(map), new ExecutionOptions { Helpers = new HelperTable([LookupHelper]) });
        var fault = Assert.Throws<ProgramFaultException>(() => program.Run(ContextFor(map))).Fault;
        Assert.Equal(FaultKind.OutOfBounds, fault.Kind);
        Assert.Contains("read-only", fault.Detail);
        Assert.Equal(41UL, ReadU64(map.Lookup(U32(0))));
    }

    [Fact]
    public void Without_the_map_regions_the_value_pointer_is_out_of_bounds()
    {
        using var map = Create(MapType.Hash, 4, 8, 4);
        map.Update(U32(0), U64(0));
        var program = new Interpreter(CountingProgram(map), new ExecutionOptions { Helpers = new HelperTable([LookupHelper]) });
        Assert.Equal(FaultKind.OutOfBounds, Assert.Throws<ProgramFaultException>(() => program.Run(new RunContext())).Fault.Kind);
        Assert.Equal(1UL, program.Run(ContextFor(map)));
    }
}
