using BenchmarkDotNet.Running;

namespace Ebpf.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release -- --filter '*'</c> runs the BenchmarkDotNet suites; <c>dotnet run -c Release --
/// compile-times</c> prints the JIT's compile cost for programs of 100 to 100,000 instructions.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["compile-times"]) CompileTimes.Print();
        else BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
