using BenchmarkDotNet.Attributes;
using Ebpf.Runtime;

namespace Ebpf.Benchmarks;

/// <summary>
/// One program, four ways: native C (the limit), the JIT without checks (verified programs), the JIT with checks
/// (the default for unverified programs) and the interpreter. Ratios are against native.
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
public unsafe class EngineBenchmarks
{
    private byte[] _input = [];
    private RunContext _context = new();
    private IExecutableProgram _jitUnchecked = null!;
    private IExecutableProgram _jitChecked = null!;
    private IExecutableProgram _interpreter = null!;
    private delegate* unmanaged<byte*, ulong, ulong> _native;

    [ParamsSource(nameof(Programs))]
    public string Program { get; set; } = "";

    public static IEnumerable<string> Programs => BenchmarkPrograms.Names;

    [GlobalSetup]
    public void Setup()
    {
        var bytecode = BenchmarkPrograms.Load(Program);
        _input = BenchmarkPrograms.Input();
        _jitUnchecked = Prepare(ExecutionEngine.Jit, bytecode, MemoryChecks.Unchecked);
        _jitChecked = Prepare(ExecutionEngine.Jit, bytecode, MemoryChecks.Checked);
        _interpreter = Prepare(ExecutionEngine.Interpreter, bytecode, MemoryChecks.Checked);
        _native = BenchmarkPrograms.Native(Program);
        ulong expected = Native();
        foreach (var engine in new[] { _jitUnchecked, _jitChecked, _interpreter })
        {
            ulong actual = engine.Run(_input, _context);
            if (actual != expected) throw new InvalidOperationException($"{Program} on {engine.EngineName}: 0x{actual:x}, native gives 0x{expected:x}");
        }
    }

    private static IExecutableProgram Prepare(ExecutionEngine engine, Ebpf.Isa.Bytecode bytecode, MemoryChecks checks)
    {
        var options = new ExecutionOptions { Helpers = BenchmarkPrograms.Helpers, MemoryChecks = checks, InstructionBudget = long.MaxValue };
        var program = ExecutionEngines.Prepare(engine, bytecode, options, out string? fallback);
        if (fallback is not null) throw new InvalidOperationException(fallback);
        return program;
    }

    [Benchmark(Baseline = true)]
    public ulong Native()
    {
        fixed (byte* data = _input) return _native(data, (ulong)_input.Length);
    }

    [Benchmark]
    public ulong JitUnchecked() => _jitUnchecked.Run(_input, _context);

    [Benchmark]
    public ulong JitChecked() => _jitChecked.Run(_input, _context);

    [Benchmark]
    public ulong Interpreter() => _interpreter.Run(_input, _context);
}
