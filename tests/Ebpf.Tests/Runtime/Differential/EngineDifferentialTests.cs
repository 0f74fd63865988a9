using CsCheck;
using Ebpf.Isa;
using Ebpf.Isa.Text;
using Ebpf.Runtime;

namespace Ebpf.Tests.Runtime.Differential;

/// <summary>The interpreter is the reference: the JIT must agree with it on r0, memory and faults for any program.</summary>
public class EngineDifferentialTests
{
    private static readonly ExecutionOptions Options = new() { InstructionBudget = 20_000 };

    private sealed record Outcome(string Result, string Memory);

    private static Outcome Execute(ExecutionEngine engine, Bytecode program, byte[] initialMemory)
    {
        var memory = (byte[])initialMemory.Clone();
        string result;
        try
        {
            var executable = ExecutionEngines.Prepare(engine, program, Options, out string? fallback);
            if (fallback is not null) return new Outcome($"fallback: {fallback}", "");
            result = $"r0 = 0x{executable.Run(memory):x}";
        }
        catch (ProgramFaultException e) when (e.Fault.Kind == FaultKind.InstructionBudgetExhausted)
        {
            // The JIT counts whole basic blocks, so it may stop a few instructions earlier than the interpreter.
            result = "fault: budget";
            return new Outcome(result, "");
        }
        catch (ProgramFaultException e)
        {
            // Addresses differ between runs (each run has its own stack), so a fault is compared by kind, place and size.
            result = $"fault: {e.Fault.Kind} at {e.Fault.InstructionIndex}, {e.Fault.Size} bytes";
        }
        return new Outcome(result, Convert.ToHexString(memory));
    }

    [Fact]
    public void Jit_and_interpreter_agree_on_generated_programs()
    {
        var gen = from program in ProgramGenerator.Program
                  from memory in Gen.Byte.Array[ProgramGenerator.MemorySize]
                  select (program, memory);
        gen.Sample(sample =>
        {
            var (program, memory) = sample;
            var reference = Execute(ExecutionEngine.Interpreter, program, memory);
            var compiled = Execute(ExecutionEngine.Jit, program, memory);
            if (reference != compiled)
                throw new Xunit.Sdk.XunitException(
                    $"interpreter: {reference}\njit:         {compiled}\nprogram:\n{Disassembler.ToText(program, new DisassemblyOptions { DistinguishCalls = true })}");
        }, iter: 3000);
    }

    [Fact]
    public void Generated_programs_reach_every_outcome()
    {
        // The generator is only useful if it produces normal exits, memory faults, budget faults and calls.
        var outcomes = new HashSet<string>();
        ProgramGenerator.Program.Sample(program =>
        {
            var result = Execute(ExecutionEngine.Interpreter, program, new byte[ProgramGenerator.MemorySize]).Result;
            outcomes.Add(result.StartsWith("r0", StringComparison.Ordinal) ? "exit" : result.Split(" at ")[0]);
            if (program.Any(i => i.Opcode == Opcodes.Call && i.Source == (byte)CallKind.Local)) outcomes.Add("local call");
            if (program.Any(i => i.IsLddw && i.Source == (byte)LddwSource.Function)) outcomes.Add("callback");
        }, iter: 2000, seed: "0N0XIzNsQ0O2");
        Assert.Superset(new HashSet<string> { "exit", "fault: OutOfBounds", "fault: budget", "fault: MisalignedAtomic", "local call", "callback" }, outcomes);
    }
}
