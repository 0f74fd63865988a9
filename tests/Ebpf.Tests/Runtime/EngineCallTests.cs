using Ebpf.Helpers;
using Ebpf.Isa;
using Ebpf.Runtime;
using Ebpf.Tests.Support;

namespace Ebpf.Tests.Runtime;

/// <summary>Runs on every engine: each engine gets a sealed subclass below.</summary>
public abstract class EngineCallTests
{
    protected abstract ExecutionEngine Engine { get; }

    public sealed class OnInterpreter : EngineCallTests
    {
        protected override ExecutionEngine Engine => ExecutionEngine.Interpreter;
    }

    public sealed class OnJit : EngineCallTests
    {
        protected override ExecutionEngine Engine => ExecutionEngine.Jit;
    }

    private static readonly HelperDescriptor Sum = new(100, "test_sum", (a, b, c, d, e, _) => a + b + c + d + e);

    [Fact]
    public void Helpers_get_r1_to_r5_and_return_r0()
    {
        var options = new ExecutionOptions { Helpers = new HelperTable([Sum]) };
        var program = new ProgramBuilder(Engine).Mov(1, 1).Mov(2, 2).Mov(3, 3).Mov(4, 4).Mov(5, 5).Add(Opcodes.Call, immediate: 100).Exit();
        Assert.Equal(15UL, program.Run(options: options));
    }

    [Fact]
    public void Callx_calls_the_helper_whose_id_is_in_the_register()
    {
        var options = new ExecutionOptions { Helpers = new HelperTable([Sum]) };
        var program = new ProgramBuilder(Engine).Mov(1, 40).Mov(2, 2).Mov(3, 0).Mov(4, 0).Mov(5, 0).Mov(6, 100).Add(Opcodes.CallRegister, 6).Exit();
        Assert.Equal(42UL, program.Run(options: options));
    }

    [Fact]
    public void Callx_to_an_unregistered_id_faults()
    {
        var program = new ProgramBuilder(Engine).Mov(6, 999).Add(Opcodes.CallRegister, 6).Exit();
        Assert.Equal(FaultKind.UnknownHelper, Assert.Throws<ProgramFaultException>(() => program.Run()).Fault.Kind);
    }

    [Fact]
    public void Call_to_an_unknown_helper_is_a_load_error()
    {
        var error = Assert.Throws<ProgramLoadException>(() => new ProgramBuilder(Engine).Add(Opcodes.Call, immediate: 12345).Exit().Run());
        Assert.Equal(0, error.InstructionIndex);
        Assert.Contains("unknown helper id 12345", error.Message);
    }

    [Fact]
    public void Ktime_get_ns_is_helper_5_and_moves_forward()
    {
        var program = new ProgramBuilder(Engine).Add(Opcodes.Call, immediate: 5).MovReg(6, 0).Add(Opcodes.Call, immediate: 5).Add(0x1f, 0, 6).Exit();
        ulong elapsed = program.Run();
        Assert.True(elapsed < 1_000_000_000UL, $"two consecutive reads of the monotonic clock differ by {elapsed} ns");
    }

    [Fact]
    public void Local_calls_pass_r1_to_r5_preserve_r6_to_r9_and_get_their_own_frame()
    {
        // main: r6 = 6; *(u64 *)(r10 - 8) = 77; r1 = 10; r2 = 20; call f; r0 += r6; r1 = *(u64 *)(r10 - 8); r0 += r1; exit
        // f:    r6 = 0; *(u64 *)(r10 - 8) = 1; r0 = r1; r0 += r2; exit
        var program = new ProgramBuilder(Engine)
            .Mov(6, 6).Add(0x7a, 10, 0, -8, 77).Mov(1, 10).Mov(2, 20)
            .Add(Opcodes.Call, 0, (byte)CallKind.Local, 0, 4)
            .Add(0x0f, 0, 6).Add(0x79, 1, 10, -8).Add(0x0f, 0, 1).Exit()
            .Mov(6, 0).Add(0x7a, 10, 0, -8, 1).MovReg(0, 1).Add(0x0f, 0, 2).Exit();
        Assert.Equal(30UL + 6 + 77, program.Run());
    }

    [Fact]
    public void A_callee_may_use_a_pointer_into_its_callers_stack()
    {
        // main: *(u64 *)(r10 - 8) = 5; r1 = r10; r1 += -8; call f; r0 = *(u64 *)(r10 - 8); exit
        // f:    *(u64 *)(r1 + 0) = 9; exit
        var program = new ProgramBuilder(Engine)
            .Add(0x7a, 10, 0, -8, 5).MovReg(1, 10).Add(0x07, 1, immediate: -8)
            .Add(Opcodes.Call, 0, (byte)CallKind.Local, 0, 2).Add(0x79, 0, 10, -8).Exit()
            .Add(0x7a, 1, 0, 0, 9).Exit();
        Assert.Equal(9UL, program.Run());
    }

    [Fact]
    public void Recursion_deeper_than_eight_frames_faults()
    {
        // f calls itself forever.
        var program = new ProgramBuilder(Engine).Add(Opcodes.Call, 0, (byte)CallKind.Local, 0, -1).Exit();
        var fault = Assert.Throws<ProgramFaultException>(() => program.Run()).Fault;
        Assert.Equal(FaultKind.CallDepthExceeded, fault.Kind);
    }

    [Fact]
    public void The_instruction_budget_stops_an_endless_loop()
    {
        var program = new ProgramBuilder(Engine).Mov(0, 0).Add(0x07, 0, immediate: 1).Add(Opcodes.Ja, offset: -2).Exit();
        var options = new ExecutionOptions { InstructionBudget = 1000 };
        var fault = Assert.Throws<ProgramFaultException>(() => program.Run(options: options)).Fault;
        Assert.Equal(FaultKind.InstructionBudgetExhausted, fault.Kind);
        Assert.Contains("budget of 1000 instructions", fault.Detail);
    }

    [Fact]
    public void The_budget_counts_executed_instructions_exactly()
    {
        var interpreter = ExecutionEngines.Prepare(Engine, new ProgramBuilder(Engine).Mov(0, 3).Add(0x17, 0, immediate: 1).Add(0x55, 0, offset: -2).Exit().Build(),
            new ExecutionOptions { InstructionBudget = 8 });
        var context = new RunContext();
        Assert.Equal(0UL, interpreter.Run(context));
        Assert.Equal(8, context.InstructionsExecuted);
    }

    [Fact]
    public unsafe void Helpers_reach_memory_only_through_checked_spans()
    {
        var poke = new HelperDescriptor(101, "test_poke", (address, length, _, _, _, context) =>
        {
            context.GetMemory(address, (int)length, write: true).Fill(0xab);
            return 0;
        });
        var options = new ExecutionOptions { Helpers = new HelperTable([poke]) };
        var memory = new byte[4];
        new ProgramBuilder(Engine).Mov(2, 4).Add(Opcodes.Call, immediate: 101).Exit().Run(memory, options);
        Assert.Equal([0xab, 0xab, 0xab, 0xab], memory);

        var tooLong = new ProgramBuilder(Engine).Mov(2, 5).Add(Opcodes.Call, immediate: 101).Exit();
        var fault = Assert.Throws<ProgramFaultException>(() => tooLong.Run(new byte[4], options)).Fault;
        Assert.Equal(FaultKind.HelperError, fault.Kind);
        Assert.Equal(1, fault.InstructionIndex);
    }

    [Fact]
    public void Lddw_of_a_map_needs_a_map_table()
    {
        var (first, second) = Instruction.Lddw(1, 3, LddwSource.MapByFd);
        var program = new Bytecode([first, second, new Instruction(0xb7, 0, 0, 0, 0), new Instruction(Opcodes.Exit, 0, 0, 0, 0)]);
        Assert.Contains("names a kernel map by file descriptor; in user space, load the program from an ELF object", Assert.Throws<ProgramLoadException>(() => ExecutionEngines.Prepare(Engine, program)).Message);
    }

    [Fact]
    public void Concurrent_runs_do_not_share_registers_or_stack()
    {
        // r0 = r2 (the memory length); *(u64 *)(r10 - 8) = r0; loop 1000 times; r0 = *(u64 *)(r10 - 8); exit
        var interpreter = ExecutionEngines.Prepare(Engine, new ProgramBuilder(Engine)
            .MovReg(0, 2).Add(0x7b, 10, 0, -8).Mov(3, 1000).Add(0x17, 3, immediate: 1).Add(0x55, 3, offset: -2)
            .Add(0x79, 0, 10, -8).Exit().Build());
        var results = new ulong[64];
        Parallel.For(0, results.Length, i => results[i] = interpreter.Run(new byte[i]));
        Assert.Equal(Enumerable.Range(0, 64).Select(i => (ulong)i), results);
    }
}
