using Ebpf.Isa;
using Ebpf.Runtime;

namespace Ebpf.Tests.Support;

/// <summary>Builds small programs from raw instruction fields, for tests that must not depend on the assembler.</summary>
internal sealed class ProgramBuilder(ExecutionEngine engine = ExecutionEngine.Interpreter)
{
    private readonly List<Instruction> _slots = [];

    public ProgramBuilder Add(byte opcode, byte dst = 0, byte src = 0, short offset = 0, int immediate = 0)
    {
        _slots.Add(new Instruction(opcode, dst, src, offset, immediate));
        return this;
    }

    public ProgramBuilder Load64(byte dst, ulong value)
    {
        var (first, second) = Instruction.Lddw(dst, value);
        _slots.Add(first);
        _slots.Add(second);
        return this;
    }

    public ProgramBuilder Mov(byte dst, int immediate) => Add(0xb7, dst, immediate: immediate);

    public ProgramBuilder MovReg(byte dst, byte src) => Add(0xbf, dst, src);

    public ProgramBuilder Exit() => Add(Opcodes.Exit);

    public Bytecode Build() => new(_slots);

    public ulong Run(byte[]? memory = null, ExecutionOptions? options = null) =>
        Prepare(options).Run(memory ?? []);

    public IExecutableProgram Prepare(ExecutionOptions? options = null)
    {
        var program = ExecutionEngines.Prepare(engine, Build(), options, out string? fallback);
        Assert.True(fallback is null, fallback);
        Assert.Equal(engine.ToString().ToLowerInvariant(), program.EngineName);
        return program;
    }
}

/// <summary>Reads the language-neutral test-data files that drive table tests.</summary>
internal static class TestData
{
    public static IEnumerable<string[]> Rows(string fileName)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Runtime", "TestData", fileName);
        foreach (string line in File.ReadLines(path))
        {
            string content = line.Split('#')[0].Trim();
            if (content.Length > 0) yield return content.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
    }

    public static ulong Hex(string text) => Convert.ToUInt64(text, 16);
}
