using Ebpf.Elf;
using Ebpf.Isa.Text;
using Ebpf.Maps;
using Ebpf.ProgramTypes;
using Ebpf.Runtime;
using Ebpf.TestRuns;
using Ebpf.Tests.Support;

namespace Ebpf.Tests.Helpers;

/// <summary><c>bpf_tail_call</c> on every engine: the caller ends, the target runs with the same context, at most 33 times.</summary>
public abstract class TailCallTests
{
    protected abstract ExecutionEngine Engine { get; }

    public sealed class OnInterpreter : TailCallTests
    {
        protected override ExecutionEngine Engine => ExecutionEngine.Interpreter;
    }

    public sealed class OnJit : TailCallTests
    {
        protected override ExecutionEngine Engine => ExecutionEngine.Jit;
    }

    /// <summary>Tail-calls slot memory[0] of the program array; falls through to r0 = 7 when that fails.</summary>
    private const string Dispatcher = """
        r6 = r1
        r2 = map_idx(0) ll
        r3 = *(u8 *)(r6 + 0)
        call 12
        r0 = 7
        exit
        """;

    private IExecutableProgram Prepare(string source, Map programs) =>
        ExecutionEngines.Prepare(Engine, Assembler.Assemble(source), new ExecutionOptions { Maps = [programs] });

    [Theory]
    [InlineData(0, 42UL)]   // slot 0 holds a program returning 42
    [InlineData(1, 0x99UL)] // slot 1 holds a program returning its context's second byte
    [InlineData(2, 7UL)]    // empty slot: the caller goes on
    [InlineData(9, 7UL)]    // out of range: the caller goes on
    public void The_target_replaces_the_caller(byte slot, ulong expected)
    {
        using var programs = (ProgramArrayMap)Map.Create(new MapSpec("jump", MapType.ProgramArray, 4, 4, 4));
        var fortyTwo = Prepare("r0 = 42\nexit\n", programs);
        var readsContext = Prepare("r0 = *(u8 *)(r1 + 1)\nexit\n", programs);
        programs.SetProgram(0, ProgramRegistry.IdOf(fortyTwo));
        programs.SetProgram(1, ProgramRegistry.IdOf(readsContext));
        Assert.Equal(expected, Prepare(Dispatcher, programs).Run([slot, 0x99]));
    }

    [Fact]
    public void A_run_makes_at_most_33_tail_calls()
    {
        // Counts its executions in memory[1], then tail-calls itself (slot 0).
        const string source = """
            r6 = r1
            r2 = *(u8 *)(r6 + 1)
            r2 += 1
            *(u8 *)(r6 + 1) = r2
            r1 = r6
            r2 = map_idx(0) ll
            r3 = 0
            call 12
            r0 = 7
            exit
            """;
        using var programs = (ProgramArrayMap)Map.Create(new MapSpec("jump", MapType.ProgramArray, 4, 4, 1));
        var self = Prepare(source, programs);
        programs.SetProgram(0, ProgramRegistry.IdOf(self));
        var memory = new byte[2];
        var context = new RunContext();
        Assert.Equal(7UL, self.Run(memory, context));
        Assert.Equal(34, memory[1]);
        Assert.Equal(33, context.TailCallCount);
    }

    [Fact]
    public void A_tail_call_from_a_subprogram_ends_the_whole_program()
    {
        const string source = """
            r6 = r1
            call dispatch
            r0 = 5
            exit
            dispatch:
            r1 = r6
            r2 = map_idx(0) ll
            r3 = 0
            call 12
            r0 = 6
            exit
            """;
        using var programs = (ProgramArrayMap)Map.Create(new MapSpec("jump", MapType.ProgramArray, 4, 4, 1));
        // The slot alone keeps the target alive, as the kernel's program array holds a reference: nothing else does here.
        SetTarget(programs);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.Equal(42UL, Prepare(source, programs).Run([0]));
    }

    [Fact]
    public void An_object_with_a_program_array_tail_calls_its_initial_slots()
    {
        var spec = ObjectFile.Load(Path.Combine(RepositoryPaths.Root, "tests", "objects", "prog_array.o"));
        using var collection = LoadedCollection.Create(spec);
        var entry = collection.Program("entry", Engine);
        var packet = Convert.FromHexString("020000000002020000000001080045000020000100004011f7cac0a80101c0a8010204d2162e000c0000616263");
        // rx_queue_index is 0 in a test run: slot 0 is tail_pass, which returns XDP_PASS.
        Assert.Equal(2u, TestRunner.Run(entry, KnownProgramTypes.Xdp, packet).ReturnValue);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void SetTarget(ProgramArrayMap programs) => programs.SetProgram(0, ProgramRegistry.IdOf(Prepare("r0 = 42\nexit\n", programs)));
}
