using System.Runtime.CompilerServices;
using Ebpf.Isa.Text;
using Ebpf.Runtime;
using Ebpf.Runtime.Jit;

namespace Ebpf.Tests.Runtime;

public class JitLifetimeTests
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference Program, WeakReference Code, ulong Result) CompileAndRun(int seed)
    {
        var program = Assembler.Assemble($"r0 = {seed}\nr0 *= 3\nexit\n");
        var compiled = JitCompiler.TryCompile(program, new ExecutionOptions(), out _)!;
        ulong result = compiled.Run([]);
        return (new WeakReference(compiled), new WeakReference(compiled.Entry), result);
    }

    [Fact]
    public void Thousands_of_compiled_programs_are_collected_when_dropped()
    {
        var references = new List<(WeakReference Program, WeakReference Code)>();
        for (int i = 0; i < 2000; i++)
        {
            var (program, code, result) = CompileAndRun(i);
            Assert.Equal((ulong)i * 3, result);
            if (i % 100 == 0) references.Add((program, code));
        }
        for (int attempt = 0; attempt < 5 && references.Any(r => r.Code.IsAlive); attempt++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.All(references, r => Assert.False(r.Program.IsAlive));
        Assert.All(references, r => Assert.False(r.Code.IsAlive, "the dynamic method of a dropped program is still alive"));
    }
}
