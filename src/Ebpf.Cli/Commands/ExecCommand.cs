using System.CommandLine;
using Ebpf.Cli.Input;
using Ebpf.Cli.Timing;
using Ebpf.Runtime;

namespace Ebpf.Cli.Commands;

/// <summary><c>ebpf exec FILE [--mem-hex HEX | --mem-file F] [--engine E] [--repeat N] [--json] [--unchecked]</c>: runs a raw program on a block of memory.</summary>
internal static class ExecCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The program: raw bytecode (8 bytes per instruction) or an ELF object" };
        var memHex = new Option<string?>("--mem-hex") { Description = "The memory r1 points to, as hex bytes (\"0a 1b ff\" or \"0a1bff\")" };
        var memFile = new Option<string?>("--mem-file") { Description = "The memory r1 points to, read from a file" };
        var engine = new Option<string>("--engine") { Description = "The engine: " + string.Join(", ", ExecutionEngines.Names), DefaultValueFactory = _ => "jit" };
        engine.AcceptOnlyFromAmong([.. ExecutionEngines.Names]);
        var function = new Option<string?>("--function") { Description = "For an ELF object: the function to run (default: main, or the only one)" };
        var budget = new Option<long>("--budget") { Description = "The most instructions the run may execute", DefaultValueFactory = _ => ExecutionOptions.DefaultInstructionBudget };

        var repeat = new Option<int>("--repeat") { Description = "Run the program N times after a warm-up and report the time per run", DefaultValueFactory = _ => 1 };
        var uncheckedRun = new Option<bool>("--unchecked")
        {
            Description = "Verify the program as the raw type (r1 = memory, r2 = its length) and, if the verifier accepts it, run it without memory checks",
        };
        var json = new Option<bool>("--json") { Description = "Print {\"r0\", \"repeat\", \"ns_per_run\", \"compile_us\"} as JSON" };
        repeat.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() <= 0) result.AddError("--repeat must be a positive number of runs");
        });
        budget.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long>() <= 0) result.AddError("--budget must be a positive number of instructions");
        });

        var command = new Command("exec", "Run a program on a block of memory and print r0 (r1 = the memory, r2 = its length)")
        {
            file, memHex, memFile, engine, function, budget, repeat, json, uncheckedRun,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(memHex) is not null && result.GetResult(memFile) is not null)
                result.AddError("give the memory either as --mem-hex or as --mem-file, not both");
        });
        command.SetAction(parse => CommandAction.Run(() =>
        {
            var program = ProgramLoader.Load(parse.GetValue(file)!, parse.GetValue(function));
            byte[] memory = parse.GetValue(memHex) is { } hex ? HexText.Parse(hex, "--mem-hex")
                : parse.GetValue(memFile) is { } path ? ProgramLoader.ReadFile(path)
                : [];
            var options = new ExecutionOptions { InstructionBudget = parse.GetValue(budget) };
            if (parse.GetValue(uncheckedRun))
            {
                // Only what the verifier proved safe runs without checks.
                var verdict = Ebpf.Verifier.ProgramVerifier.VerifyRaw(program);
                if (!verdict.Accepted)
                    throw new ProgramLoadException(Math.Max(verdict.Instruction, 0), $"{verdict.Message}\n(--unchecked runs only programs the verifier accepts; without it the run is checked)");
                options = options with { MemoryChecks = MemoryChecks.Unchecked };
            }
            var measurement = RunTimer.Measure(CommandAction.ParseEngine(parse.GetValue(engine)), program, options, memory, parse.GetValue(repeat));
            if (measurement.FallbackReason is not null) parse.InvocationConfiguration.Error.WriteLine($"note: {measurement.FallbackReason}");
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json)) output.WriteLine(measurement.ToJson());
            else if (parse.GetValue(repeat) > 1) output.WriteLine($"0x{measurement.R0:x} ({measurement.NanosecondsPerRun:F1} ns per run over {measurement.Repeat} runs, compile {measurement.CompileMicroseconds:F0} us)");
            else output.WriteLine($"0x{measurement.R0:x}");
            return 0;
        }, parse.InvocationConfiguration.Error));
        return command;
    }
}
