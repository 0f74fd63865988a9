using System.Buffers.Binary;
using Ebpf.Isa.Text;
using Ebpf.Maps;
using Ebpf.Runtime;

namespace Ebpf.Tests.Helpers;

/// <summary>Programs that use maps through the Linux helpers, on every engine.</summary>
public abstract class MapHelperTests
{
    protected abstract ExecutionEngine Engine { get; }

    public sealed class OnInterpreter : MapHelperTests
    {
        protected override ExecutionEngine Engine => ExecutionEngine.Interpreter;
    }

    public sealed class OnJit : MapHelperTests
    {
        protected override ExecutionEngine Engine => ExecutionEngine.Jit;
    }

    private IExecutableProgram Prepare(string source, params Map[] maps)
    {
        var program = ExecutionEngines.Prepare(Engine, Assembler.Assemble(source), new ExecutionOptions { Maps = maps }, out string? fallback);
        Assert.Null(fallback);
        return program;
    }

    private const string Counter = """
        r1 = 0
        *(u32 *)(r10 - 4) = r1
        r2 = r10
        r2 += -4
        r1 = map_idx(0) ll
        call 1
        if r0 == 0 goto missing
        r1 = 1
        lock *(u64 *)(r0 + 0) += r1
        r0 = *(u64 *)(r0 + 0)
        exit
        missing:
        r0 = -1
        exit
        """;

    [Fact]
    public void Lookup_returns_a_value_pointer_the_program_can_update()
    {
        using var counters = Map.Create(new MapSpec("counters", MapType.Array, 4, 8, 1));
        var program = Prepare(Counter, counters);
        for (int i = 1; i <= 10; i++) Assert.Equal((ulong)i, program.Run([]));
        Assert.Equal(10UL, counters.AsTyped<uint, ulong>()[0]);
    }

    [Fact]
    public void Lookup_of_a_missing_key_returns_null()
    {
        using var hash = Map.Create(new MapSpec("flows", MapType.Hash, 4, 8, 16));
        Assert.Equal(ulong.MaxValue, Prepare(Counter, hash).Run([]));
    }

    [Fact]
    public void Update_and_delete_return_kernel_errnos()
    {
        // Writes four results to the memory: insert (NOEXIST), insert again, delete, delete again.
        const string source = """
            r9 = r1
            r1 = 7
            *(u32 *)(r10 - 4) = r1
            r1 = 42
            *(u64 *)(r10 - 16) = r1
            r1 = map_idx(0) ll
            r2 = r10
            r2 += -4
            r3 = r10
            r3 += -16
            r4 = 1
            call 2
            r6 = r0
            r1 = map_idx(0) ll
            r2 = r10
            r2 += -4
            r3 = r10
            r3 += -16
            r4 = 1
            call 2
            r7 = r0
            r1 = map_idx(0) ll
            r2 = r10
            r2 += -4
            call 3
            r8 = r0
            r1 = map_idx(0) ll
            r2 = r10
            r2 += -4
            call 3
            *(u64 *)(r9 + 0) = r6
            *(u64 *)(r9 + 8) = r7
            *(u64 *)(r9 + 16) = r8
            *(u64 *)(r9 + 24) = r0
            r0 = 0
            exit
            """;
        using var hash = Map.Create(new MapSpec("flows", MapType.Hash, 4, 8, 16));
        var memory = new byte[32];
        Prepare(source, hash).Run(memory);
        Assert.Equal(0L, BinaryPrimitives.ReadInt64LittleEndian(memory));
        Assert.Equal(-(long)Errno.EEXIST, BinaryPrimitives.ReadInt64LittleEndian(memory.AsSpan(8)));
        Assert.Equal(0L, BinaryPrimitives.ReadInt64LittleEndian(memory.AsSpan(16)));
        Assert.Equal(-(long)Errno.ENOENT, BinaryPrimitives.ReadInt64LittleEndian(memory.AsSpan(24)));
    }

    [Fact]
    public void Queue_push_and_pop_keep_fifo_order()
    {
        const string source = """
            r1 = 11
            *(u32 *)(r10 - 4) = r1
            r1 = map_idx(0) ll
            r2 = r10
            r2 += -4
            r3 = 0
            call 87
            r1 = 22
            *(u32 *)(r10 - 4) = r1
            r1 = map_idx(0) ll
            r2 = r10
            r2 += -4
            r3 = 0
            call 87
            r1 = map_idx(0) ll
            r2 = r10
            r2 += -8
            call 88
            r0 = *(u32 *)(r10 - 8)
            exit
            """;
        using var queue = Map.Create(new MapSpec("jobs", MapType.Queue, 0, 4, 8));
        Assert.Equal(11UL, Prepare(source, queue).Run([]));
    }

    [Fact]
    public void Ring_buffer_records_reach_the_host_in_order_and_discarded_ones_do_not()
    {
        const string source = """
            r1 = map_idx(0) ll
            r2 = 8
            r3 = 0
            call 131
            if r0 == 0 goto full
            r1 = 0x1111
            *(u64 *)(r0 + 0) = r1
            r1 = r0
            r2 = 0
            call 132
            r1 = map_idx(0) ll
            r2 = 8
            r3 = 0
            call 131
            if r0 == 0 goto full
            r1 = r0
            r2 = 0
            call 133
            r1 = 0x2222
            *(u64 *)(r10 - 8) = r1
            r1 = map_idx(0) ll
            r2 = r10
            r2 += -8
            r3 = 8
            r4 = 0
            call 130
            exit
            full:
            r0 = -1
            exit
            """;
        using var ring = (RingBufferMap)Map.Create(new MapSpec("events", MapType.RingBuffer, 0, 0, 4096));
        Assert.Equal(0UL, Prepare(source, ring).Run([]));
        var records = new List<ulong>();
        ring.Drain(record => records.Add(BinaryPrimitives.ReadUInt64LittleEndian(record)));
        Assert.Equal([0x1111UL, 0x2222UL], records);
    }

    [Fact]
    public void Global_data_is_reached_through_a_map_value_reference()
    {
        // r1 = &.data + 8; r0 = *(u64 *)(r1 + 0); *(u64 *)(r1 + 0) = r0 + 1
        const string source = """
            r1 = map_idx_value(0, 8) ll
            r0 = *(u64 *)(r1 + 0)
            r2 = r0
            r2 += 1
            *(u64 *)(r1 + 0) = r2
            exit
            """;
        using var data = Map.Create(new MapSpec(".data", MapType.Array, 4, 16, 1));
        var program = Prepare(source, data);
        Assert.Equal(0UL, program.Run([]));
        Assert.Equal(1UL, program.Run([]));
        Assert.Equal(2UL, BinaryPrimitives.ReadUInt64LittleEndian(data.Lookup(new byte[4])!.AsSpan(8)));
    }

    [Fact]
    public void Read_only_global_data_cannot_be_written()
    {
        const string source = """
            r1 = map_idx_value(0, 0) ll
            r2 = 1
            *(u64 *)(r1 + 0) = r2
            exit
            """;
        using var rodata = Map.Create(new MapSpec(".rodata", MapType.Array, 4, 8, 1, MapCreationFlags.ReadOnlyProgram));
        var fault = Assert.Throws<ProgramFaultException>(() => Prepare(source, rodata).Run([])).Fault;
        Assert.Equal(FaultKind.OutOfBounds, fault.Kind);
        Assert.Equal(3, fault.InstructionIndex);
    }

    [Fact]
    public void A_map_reference_without_its_map_is_a_load_error()
    {
        var error = Assert.Throws<ProgramLoadException>(() => Prepare(Counter));
        Assert.Contains("map index 0, but the program was given 0 map(s)", error.Message);
    }

    [Fact]
    public void A_helper_given_something_that_is_not_a_map_faults()
    {
        const string source = """
            r1 = 12345
            r2 = r10
            r2 += -8
            call 1
            exit
            """;
        var fault = Assert.Throws<ProgramFaultException>(() => Prepare(source).Run([])).Fault;
        Assert.Equal(FaultKind.HelperError, fault.Kind);
        Assert.Contains("bpf_map_lookup_elem: argument 1 (0x3039) is not a map", fault.Detail);
    }

    [Fact]
    public void A_key_pointer_outside_the_run_faults()
    {
        using var hash = Map.Create(new MapSpec("flows", MapType.Hash, 4, 8, 16));
        const string source = """
            r1 = map_idx(0) ll
            r2 = 64
            call 1
            exit
            """;
        var fault = Assert.Throws<ProgramFaultException>(() => Prepare(source, hash).Run([])).Fault;
        Assert.Equal(FaultKind.HelperError, fault.Kind);
        Assert.Equal(3, fault.InstructionIndex);
    }
}
