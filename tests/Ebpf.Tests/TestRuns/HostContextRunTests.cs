using Ebpf.Isa.Text;
using Ebpf.ProgramTypes;
using Ebpf.Runtime;
using Ebpf.TestRuns;

namespace Ebpf.Tests.TestRuns;

/// <summary>
/// A caller's <see cref="RunContext"/> carries host settings into a test run — the trace sink here — for packet and
/// context-only runs alike, and the run leaves no region of its freed memory behind in it.
/// </summary>
public class HostContextRunTests
{
    // trace_printk("arg %d\n", args[0]): the format "arg %d\n\0" (8 bytes, little-endian) is built on the stack.
    private const string PrintFirstArgument = """
        r3 = *(u64 *)(r1 + 0)
        r1 = 0x000a642520677261 ll
        *(u64 *)(r10 - 8) = r1
        r1 = r10
        r1 += -8
        r2 = 8
        call 6
        r0 = 0
        exit
        """;

    public static TheoryData<ExecutionEngine> Engines() => [ExecutionEngine.Interpreter, ExecutionEngine.Jit];

    [Theory]
    [MemberData(nameof(Engines))]
    public void A_raw_tracepoint_run_prints_to_the_callers_sink_and_leaves_no_region_behind(ExecutionEngine engine)
    {
        var type = KnownProgramTypes.RawTracepoint;
        var program = ExecutionEngines.Prepare(engine, Assembler.Assemble(PrintFirstArgument), TestRunner.OptionsFor(type));
        var lines = new List<string>();
        var context = new RunContext { TraceSink = lines.Add };

        var result = TestRunner.Run(program, type, new TestRunInput { ContextIn = BitConverter.GetBytes(-42L), Context = context });

        Assert.Equal(0u, result.ReturnValue);
        Assert.Equal(["arg -42\n"], lines);
        Assert.Equal(0, context.RegionCount);
        Assert.NotNull(context.TraceSink);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void An_xdp_run_prints_to_the_callers_sink(ExecutionEngine engine)
    {
        const string source = """
            r1 = 0x000a642520677261 ll
            *(u64 *)(r10 - 8) = r1
            r1 = r10
            r1 += -8
            r2 = 8
            r3 = 7
            call 6
            r0 = 2
            exit
            """;
        var type = KnownProgramTypes.Xdp;
        var program = ExecutionEngines.Prepare(engine, Assembler.Assemble(source), TestRunner.OptionsFor(type));
        var lines = new List<string>();
        var context = new RunContext { TraceSink = lines.Add };

        var result = TestRunner.Run(program, type, new TestRunInput { Data = new byte[60], Context = context });

        Assert.Equal(2u, result.ReturnValue);
        Assert.Equal(["arg 7\n"], lines);
        Assert.Equal(0, context.RegionCount);
    }
}
