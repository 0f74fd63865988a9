using System.CommandLine;
using Ebpf.Cli.Input;
using Ebpf.Runtime;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf conformance-plugin [MEM] [--elf]</c>: the plugin protocol of the public bpf_conformance suite. The
/// program arrives on stdin as hex text (raw bytecode, or with --elf an ELF object whose function 'main' is the
/// code); MEM is the test's memory as hex. --interpret (default) or --jit picks the engine. Prints r0 in hex and exits 0, or prints the error and exits non-zero.
/// </summary>
internal static class ConformancePluginCommand
{
    public static Command Create()
    {
        var memory = new Argument<string?>("memory") { Description = "The test's memory as hex bytes (absent when the test has none)", Arity = ArgumentArity.ZeroOrOne };
        var elf = new Option<bool>("--elf") { Description = "stdin is a hex-encoded ELF object whose function 'main' holds the program" };
        var interpret = new Option<bool>("--interpret") { Description = "Run on the interpreter (the default)" };
        var jit = new Option<bool>("--jit") { Description = "Run on the JIT compiler" };

        var command = new Command("conformance-plugin", "Run one bpf_conformance test: program as hex on stdin, memory as the argument, r0 in hex on stdout")
        {
            memory, elf, interpret, jit,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(jit) is not null && result.GetResult(interpret) is not null)
                result.AddError("choose one engine: --interpret or --jit");
        });
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            // The suite reads errors from stdout, so the error stream is stdout here.
            return CommandAction.Run(() =>
            {
                string input = Console.In.ReadToEnd();
                byte[] code = HexText.Parse(input, "program on stdin");
                var program = parse.GetValue(elf) ? ProgramLoader.FromElf(code, "main", "stdin") : Ebpf.Isa.Bytecode.FromBytes(code);
                byte[] mem = parse.GetValue(memory) is { } hex ? HexText.Parse(hex, "memory argument") : [];
                var engine = parse.GetValue(jit) ? ExecutionEngine.Jit : ExecutionEngine.Interpreter;
                var executable = ExecutionEngines.Prepare(engine, program, null, out string? fallback);
                if (fallback is not null) Console.Error.WriteLine($"note: {fallback}");
                ulong r0 = executable.Run(mem);
                output.WriteLine($"0x{r0:x}");
                return 0;
            }, output);
        });
        return command;
    }
}
