using Ebpf.Runtime;

namespace Ebpf.Linux.Tests.Differential;

/// <summary>Runs a generated program in our interpreter, its memory (and packet) the packet the kernel's program sees.</summary>
internal static class InterpreterRunner
{
    public static ulong Run(GeneratedProgram program)
    {
        var engine = new Interpreter(program.Bytecode, new ExecutionOptions { InstructionBudget = 1_000_000 });
        return engine.Run(KernelOracle.Packet);
    }
}
