using System.Diagnostics;
using Ebpf.Isa;
using Ebpf.Runtime;
using Ebpf.Runtime.Jit;

namespace Ebpf.Benchmarks;

/// <summary>
/// Compile cost of the JIT for programs of 100, 1,000 and 100,000 instructions: IL generation, then RyuJIT (forced
/// by preparing the entry delegate), each the median of several compilations of a fresh program.
/// </summary>
public static class CompileTimes
{
    public static void Print()
    {
        Console.WriteLine("| instructions | IL generation (median) | IL + RyuJIT (median) | per instruction |");
        Console.WriteLine("| ---: | ---: | ---: | ---: |");
        foreach (int size in new[] { 100, 1_000, 100_000 })
        {
            int rounds = size >= 100_000 ? 3 : 15;
            var il = new List<double>();
            var total = new List<double>();
            for (int round = 0; round < rounds + 1; round++)
            {
                var program = Generate(size, seed: round);
                var started = Stopwatch.GetTimestamp();
                var compiled = JitCompiler.TryCompile(program, new ExecutionOptions(), out string? fallback)
                    ?? throw new InvalidOperationException(fallback);
                double ilMicroseconds = compiled.CompileTime.TotalMicroseconds;
                compiled.Prepare();
                double totalMicroseconds = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
                if (round == 0) continue; // the first compilation also warms up the compiler itself
                il.Add(ilMicroseconds);
                total.Add(totalMicroseconds);
            }
            double median = Median(total);
            Console.WriteLine($"| {size:N0} | {Median(il):N0} us | {median:N0} us | {median * 1000 / size:N0} ns |");
        }
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    /// <summary>Straight-line arithmetic, loads and stores on the stack and forward branches, ending in exit.</summary>
    private static Bytecode Generate(int size, int seed)
    {
        var random = new Random(seed);
        var slots = new List<Instruction> { new(0xb7, 0, 0, 0, 0) };
        while (slots.Count < size - 1)
        {
            byte dst = (byte)random.Next(0, 10);
            byte src = (byte)random.Next(0, 10);
            slots.Add(random.Next(6) switch
            {
                0 => new Instruction(0x0f, dst, src, 0, 0),
                1 => new Instruction(0x27, dst, 0, 0, random.Next()),
                2 => new Instruction(0x7b, 10, src, (short)(-8 * random.Next(1, 64)), 0),
                3 => new Instruction(0x79, dst, 10, (short)(-8 * random.Next(1, 64)), 0),
                4 when slots.Count < size - 4 => new Instruction(0x2d, dst, src, (short)random.Next(0, Math.Min(3, size - 3 - slots.Count)), 0),
                _ => new Instruction(0xac, dst, src, 0, 0),
            });
        }
        slots.Add(new Instruction(Opcodes.Exit, 0, 0, 0, 0));
        return new Bytecode(slots);
    }
}
