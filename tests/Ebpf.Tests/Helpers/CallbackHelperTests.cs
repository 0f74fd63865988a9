using Ebpf.Isa;
using Ebpf.Isa.Text;
using Ebpf.Maps;
using Ebpf.Runtime;
using static Ebpf.Tests.Maps.MapTestHelpers;

namespace Ebpf.Tests.Helpers;

/// <summary>
/// <c>bpf_loop</c> (181) and <c>bpf_for_each_map_elem</c> (164) on every engine: the callback is a function reference
/// (<c>lddw</c> source 4) that runs as a bpf-to-bpf call frame from inside the helper.
/// </summary>
public abstract class CallbackHelperTests
{
    protected abstract ExecutionEngine Engine { get; }

    protected virtual MemoryChecks Checks => MemoryChecks.Checked;

    public sealed class OnInterpreter : CallbackHelperTests
    {
        protected override ExecutionEngine Engine => ExecutionEngine.Interpreter;
    }

    public sealed class OnJit : CallbackHelperTests
    {
        protected override ExecutionEngine Engine => ExecutionEngine.Jit;
    }

    public sealed class OnUncheckedJit : CallbackHelperTests
    {
        protected override ExecutionEngine Engine => ExecutionEngine.Jit;

        protected override MemoryChecks Checks => MemoryChecks.Unchecked;
    }

    private bool IsChecked => Engine == ExecutionEngine.Interpreter || Checks == MemoryChecks.Checked;

    private IExecutableProgram Prepare(string source, long budget = ExecutionOptions.DefaultInstructionBudget, params Map[] maps)
    {
        var options = new ExecutionOptions { Maps = maps, MemoryChecks = Checks, InstructionBudget = budget };
        var program = ExecutionEngines.Prepare(Engine, Assembler.Assemble(source), options, out string? fallback);
        Assert.Null(fallback);
        return program;
    }

    private ulong Run(string source, params Map[] maps) => Prepare(source, maps: maps).Run([]);

    /// <summary>bpf_loop(r1 loops, sum_indices, &amp;total, r4 flags); returns result * 1000 + total.</summary>
    private static string SumLoop(string loops, string flags = "0") => $"""
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
        """;

    [Fact]
    public void Loop_calls_the_callback_with_each_index_and_returns_the_iterations()
    {
        Assert.Equal(10_045UL, Run(SumLoop("10")));
        Assert.Equal(0UL, Run(SumLoop("0")));
    }

    [Fact]
    public void Loop_counts_the_callbacks_instructions_against_the_run()
    {
        if (!IsChecked) return; // unchecked code counts nothing
        var context = new RunContext();
        Prepare(SumLoop("10")).Run([], context);
        Assert.Equal(12 + 10 * 5, context.InstructionsExecuted);
    }

    [Fact]
    public void Loop_takes_nr_loops_as_u32_and_refuses_more_than_2_pow_23()
    {
        Assert.Equal(3_003UL, Run(SumLoop("0x100000003 ll")));
        Assert.Equal(unchecked((ulong)-Errno.E2BIG * 1000), Run(SumLoop("0x800001")));
    }

    [Fact]
    public void Loop_accepts_exactly_2_pow_23_iterations()
    {
        const string source = """
            r1 = 0x800000
            r2 = nothing ll
            r3 = 0
            r4 = 0
            call 181
            exit
            nothing:
            r0 = 0
            exit
            """;
        if (IsChecked) // 16 million instructions: beyond the default budget, which unchecked code does not count
            Assert.Equal(FaultKind.InstructionBudgetExhausted, Assert.Throws<ProgramFaultException>(() => Run(source)).Fault.Kind);
        else
            Assert.Equal(1UL << 23, Run(source));
    }

    [Fact]
    public void The_entry_function_may_be_a_callback_and_gets_a_zeroed_frame_each_time()
    {
        // As a callback (r2 = 99) it returns what its frame held, then dirties it: a frame that was not zeroed
        // would stop the loop after one iteration.
        const string source = """
            entry:
            r0 = *(u64 *)(r10 - 8)
            r3 = 1000
            *(u64 *)(r10 - 8) = r3
            if r2 == 99 goto out
            r1 = 2
            r2 = entry ll
            r3 = 99
            r4 = 0
            call 181
            out:
            exit
            """;
        Assert.Equal(2UL, Run(source));
    }

    [Fact]
    public void Loop_with_flags_is_EINVAL_without_calling_back()
    {
        Assert.Equal(unchecked((ulong)-Errno.EINVAL * 1000), Run(SumLoop("10", flags: "1")));
        // flags are checked before nr_loops, as in the kernel
        Assert.Equal(unchecked((ulong)-Errno.EINVAL * 1000), Run(SumLoop("0x800001", flags: "1")));
    }

    [Fact]
    public void Loop_stops_after_the_callback_that_returns_1()
    {
        // the callback stops at index 3: 4 iterations done, total 0 + 1 + 2 + 3
        const string source = """
            r1 = 0
            *(u64 *)(r10 - 8) = r1
            r1 = 100
            r2 = until_three ll
            r3 = r10
            r3 += -8
            r4 = 0
            call 181
            r0 *= 1000
            r1 = *(u64 *)(r10 - 8)
            r0 += r1
            exit
            until_three:
            r3 = *(u64 *)(r2 + 0)
            r3 += r1
            *(u64 *)(r2 + 0) = r3
            r0 = 0
            if r1 != 3 goto out
            r0 = 1
            out:
            exit
            """;
        Assert.Equal(4_006UL, Run(source));
    }

    [Fact]
    public void A_callback_gets_a_zeroed_frame_and_leaves_the_callers_registers_and_stack_alone()
    {
        const string source = """
            r6 = 6
            r7 = 7
            r8 = 8
            r9 = 9
            r1 = 77
            *(u64 *)(r10 - 8) = r1
            r1 = 0
            *(u64 *)(r10 - 16) = r1
            r1 = 3
            r2 = dirty ll
            r3 = r10
            r3 += -16
            r4 = 0
            call 181
            r0 += r6
            r0 += r7
            r0 += r8
            r0 += r9
            r1 = *(u64 *)(r10 - 8)
            r0 += r1
            r1 = *(u64 *)(r10 - 16)
            r0 += r1
            exit
            dirty:
            r3 = *(u64 *)(r10 - 8)
            r4 = *(u64 *)(r2 + 0)
            r4 += r3
            *(u64 *)(r2 + 0) = r4
            r3 = 1000
            *(u64 *)(r10 - 8) = r3
            r6 = 0
            r7 = 0
            r8 = 0
            r9 = 0
            r0 = 0
            exit
            """;
        // 3 iterations + 6 + 7 + 8 + 9 + 77, and the callback never saw the 1000 its previous call left
        Assert.Equal(110UL, Run(source));
    }

    [Fact]
    public void Callbacks_nest_and_each_level_counts_on_its_own()
    {
        // outer: 3 iterations, each runs inner: 4 iterations adding 1 to the counter the outer passes on
        const string source = """
            r1 = 0
            *(u64 *)(r10 - 8) = r1
            r1 = 3
            r2 = outer ll
            r3 = r10
            r3 += -8
            r4 = 0
            call 181
            r0 *= 1000
            r1 = *(u64 *)(r10 - 8)
            r0 += r1
            exit
            outer:
            r1 = 4
            r3 = r2
            r2 = inner ll
            r4 = 0
            call 181
            r0 = 0
            exit
            inner:
            r3 = *(u64 *)(r2 + 0)
            r3 += 1
            *(u64 *)(r2 + 0) = r3
            r0 = 0
            exit
            """;
        Assert.Equal(3_012UL, Run(source));
    }

    [Fact]
    public void Callbacks_nest_at_most_8_frames_deep()
    {
        const string source = """
            r1 = 1
            r2 = again ll
            r3 = 0
            r4 = 0
            call 181
            exit
            again:
            r1 = 1
            r2 = again ll
            r3 = 0
            r4 = 0
            call 181
            exit
            """;
        var fault = Assert.Throws<ProgramFaultException>(() => Run(source)).Fault;
        Assert.Equal((FaultKind.CallDepthExceeded, 12), (fault.Kind, fault.InstructionIndex));
    }

    [Fact]
    public void A_fault_inside_a_callback_ends_the_run_at_the_callbacks_instruction()
    {
        if (!IsChecked) return;
        const string source = """
            r1 = 2
            r2 = reads_null ll
            r3 = 0
            r4 = 0
            call 181
            exit
            reads_null:
            r0 = *(u64 *)(r3 + 0)
            exit
            """;
        var fault = Assert.Throws<ProgramFaultException>(() => Run(source)).Fault;
        Assert.Equal((FaultKind.OutOfBounds, 7, 0UL), (fault.Kind, fault.InstructionIndex, fault.Address));
    }

    [Fact]
    public void The_budget_covers_callbacks_and_ends_the_run_inside_one()
    {
        if (!IsChecked) return;
        var context = new RunContext();
        var program = Prepare(SumLoop("1000"), budget: 500);
        var fault = Assert.Throws<ProgramFaultException>(() => program.Run([], context)).Fault;
        Assert.Equal(FaultKind.InstructionBudgetExhausted, fault.Kind);
        Assert.InRange(fault.InstructionIndex, 12, 16);
        Assert.Equal(500, context.InstructionsExecuted);
    }

    [Fact]
    public void A_function_reference_is_not_memory()
    {
        if (!IsChecked) return;
        const string source = """
            r2 = callback ll
            r0 = *(u8 *)(r2 + 0)
            exit
            callback:
            r0 = 0
            exit
            """;
        var fault = Assert.Throws<ProgramFaultException>(() => Run(source)).Fault;
        Assert.Equal((FaultKind.OutOfBounds, 2, FunctionReference.Encode(4)), (fault.Kind, fault.InstructionIndex, fault.Address));
    }

    [Theory]
    [InlineData("r2 = 12345")]
    [InlineData("r2 = 0xbff0000000000003 ll")] // well-formed, but instruction 3 is no function the program refers to
    public void A_callback_that_is_no_function_of_the_program_faults(string load)
    {
        string source = $"""
            r1 = 1
            {load}
            r3 = 0
            r4 = 0
            call 181
            exit
            """;
        var fault = Assert.Throws<ProgramFaultException>(() => Run(source)).Fault;
        Assert.Equal(FaultKind.HelperError, fault.Kind);
        Assert.Contains("no function of the running program", fault.Detail);
    }

    [Fact]
    public void A_tail_call_inside_a_callback_ends_the_run_with_a_fault()
    {
        using var programs = (ProgramArrayMap)Map.Create(new MapSpec("jump", MapType.ProgramArray, 4, 4, 1));
        var target = Prepare("r0 = 42\nexit\n", maps: programs);
        programs.SetProgram(0, ProgramRegistry.IdOf(target));
        const string source = """
            r1 = 1
            r2 = jumps ll
            r3 = 0
            r4 = 0
            call 181
            exit
            jumps:
            r1 = 0
            r2 = map_idx(0) ll
            r3 = 0
            call 12
            r0 = 0
            exit
            """;
        var context = new RunContext();
        var fault = Assert.Throws<ProgramFaultException>(() => Prepare(source, maps: programs).Run([], context)).Fault;
        Assert.Equal((FaultKind.HelperError, 5), (fault.Kind, fault.InstructionIndex));
        Assert.Contains("end the whole program", fault.Detail);
    }

    /// <summary>for_each(map 0, visit, &amp;acc, r4 flags); visit adds key * 100 + value to acc and doubles the value.</summary>
    private const string ForEachSum = """
        r1 = 0
        *(u64 *)(r10 - 8) = r1
        r1 = map_idx(0) ll
        r2 = visit ll
        r3 = r10
        r3 += -8
        r4 = 0
        call 164
        r0 <<= 32
        r1 = *(u64 *)(r10 - 8)
        r0 += r1
        exit
        visit:
        r5 = *(u32 *)(r2 + 0)
        r5 *= 100
        r0 = *(u64 *)(r3 + 0)
        r5 += r0
        r0 <<= 1
        *(u64 *)(r3 + 0) = r0
        r0 = *(u64 *)(r4 + 0)
        r0 += r5
        *(u64 *)(r4 + 0) = r0
        r0 = 0
        exit
        """;

    [Fact]
    public void For_each_visits_every_array_element_with_its_key_and_writable_value()
    {
        using var array = Create(MapType.Array, 4, 8, 4);
        for (uint key = 0; key < 4; key++) array.Update(U32(key), U64(key + 1));
        Assert.Equal((4UL << 32) + 610, Prepare(ForEachSum, maps: array).Run([]));
        Assert.Equal([2UL, 4, 6, 8], Enumerable.Range(0, 4).Select(k => ReadU64(array.Lookup(U32((uint)k))!)));
    }

    [Theory]
    [InlineData(MapType.Hash)]
    [InlineData(MapType.LruHash)]
    public void For_each_visits_every_hash_element(MapType type)
    {
        using var hash = Create(type, 4, 8, 16);
        foreach (uint key in new uint[] { 3, 9, 200, 7 }) hash.Update(U32(key), U64(key * 2));
        Assert.Equal((4UL << 32) + (3 + 9 + 200 + 7) * 102, Prepare(ForEachSum, maps: hash).Run([]));
        Assert.Equal(new Dictionary<uint, ulong> { [3] = 12, [9] = 36, [200] = 800, [7] = 28 },
            hash.Entries().ToDictionary(e => ReadU32(e.Key), e => ReadU64(e.Value)));
    }

    [Theory]
    [InlineData(MapType.PerCpuArray)]
    [InlineData(MapType.PerCpuHash)]
    [InlineData(MapType.LruPerCpuHash)]
    public void For_each_over_a_per_cpu_map_sees_the_runs_processor_slot(MapType type)
    {
        using var map = Create(type, 4, 8, 2, processorCount: 2);
        for (uint key = 0; key < 2; key++) map.Update(U32(key), [.. U64(key + 1), .. U64(10 * (key + 1))]);
        var context = new RunContext { ProcessorSlot = 1 };
        var program = Prepare(ForEachSum, maps: map);
        Assert.Equal((2UL << 32) + 100 + 10 + 20, program.Run([], context));
        // key 1: slot 0 untouched, slot 1 doubled
        Assert.Equal([.. U64(2), .. U64(40)], map.Lookup(U32(1))!);
    }

    [Fact]
    public void For_each_stops_after_the_callback_that_returns_1()
    {
        using var array = Create(MapType.Array, 4, 8, 10);
        const string source = """
            r1 = map_idx(0) ll
            r2 = stop_at_two ll
            r3 = 0
            r4 = 0
            call 164
            exit
            stop_at_two:
            r0 = 0
            r1 = *(u32 *)(r2 + 0)
            if r1 != 2 goto out
            r0 = 1
            out:
            exit
            """;
        Assert.Equal(3UL, Run(source, array));
    }

    [Fact]
    public void A_hash_callback_may_delete_elements_while_the_walk_goes_on()
    {
        using var hash = Create(MapType.Hash, 4, 8, 8);
        for (uint key = 1; key <= 5; key++) hash.Update(U32(key), U64(key * 10));
        // visit: acc += value; acc += bpf_map_delete_elem(map, key) (0 on success)
        const string source = """
            r1 = 0
            *(u64 *)(r10 - 8) = r1
            r1 = map_idx(0) ll
            r2 = take ll
            r3 = r10
            r3 += -8
            r4 = 0
            call 164
            r0 <<= 32
            r1 = *(u64 *)(r10 - 8)
            r0 += r1
            exit
            take:
            r6 = r4
            r7 = *(u64 *)(r3 + 0)
            call 3
            r0 += r7
            r1 = *(u64 *)(r6 + 0)
            r1 += r0
            *(u64 *)(r6 + 0) = r1
            r0 = 0
            exit
            """;
        Assert.Equal((5UL << 32) + 150, Run(source, hash));
        Assert.Empty(hash.Keys());
    }

    [Fact]
    public void The_key_is_read_only()
    {
        if (!IsChecked) return;
        using var array = Create(MapType.Array, 4, 8, 2);
        const string source = """
            r1 = map_idx(0) ll
            r2 = writes_key ll
            r3 = 0
            r4 = 0
            call 164
            exit
            writes_key:
            *(u32 *)(r2 + 0) = 5
            r0 = 0
            exit
            """;
        var fault = Assert.Throws<ProgramFaultException>(() => Run(source, array)).Fault;
        Assert.Equal((FaultKind.OutOfBounds, 8), (fault.Kind, fault.InstructionIndex));
        Assert.Contains("read-only", fault.Detail);
    }

    [Fact]
    public void For_each_with_flags_is_EINVAL_and_other_map_types_fault()
    {
        using var array = Create(MapType.Array, 4, 8, 2);
        Assert.Equal(unchecked((ulong)-Errno.EINVAL << 32), Run(ForEachSum.Replace("r4 = 0\n", "r4 = 1\n"), array));

        using var queue = Map.Create(new MapSpec("queue", MapType.Queue, 0, 8, 4));
        var fault = Assert.Throws<ProgramFaultException>(() => Run(ForEachSum, queue)).Fault;
        Assert.Equal((FaultKind.HelperError, 9), (fault.Kind, fault.InstructionIndex));
        Assert.Contains("Queue map", fault.Detail);
    }
}
