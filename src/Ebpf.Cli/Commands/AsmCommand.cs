using System.CommandLine;
using Ebpf.Cli.Input;
using Ebpf.Isa;
using Ebpf.Isa.Text;

namespace Ebpf.Cli.Commands;

/// <summary><c>ebpf asm FILE.s [-o FILE.bin]</c>: assembles LLVM-syntax text into raw bytecode.</summary>
internal static class AsmCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "The assembly source (LLVM syntax, with labels)" };
        var output = new Option<string?>("--output", "-o") { Description = "Where to write the bytecode (default: the source's name with .bin)" };
        var noValidate = new Option<bool>("--no-validate") { Description = "Write the bytecode even if it breaks RFC 9669's encoding rules" };
        var command = new Command("asm", "Assemble eBPF assembly (LLVM syntax) into raw bytecode, 8 bytes per instruction")
        {
            file, output, noValidate,
        };
        command.SetAction(parse => CommandAction.Run(() =>
        {
            string source = parse.GetValue(file)!;
            string text = System.Text.Encoding.UTF8.GetString(ProgramLoader.ReadFile(source));
            Bytecode program;
            try
            {
                program = Assembler.Assemble(text);
            }
            catch (AssemblerException e)
            {
                throw new UsageException($"{source}: {e.Message}");
            }
            if (!parse.GetValue(noValidate)) ProgramValidator.EnsureValid(program);
            string destination = parse.GetValue(output) ?? Path.ChangeExtension(source, ".bin");
            File.WriteAllBytes(destination, program.ToBytes());
            parse.InvocationConfiguration.Output.WriteLine($"{program.Count} instruction slots ({program.Count * Instruction.Size} bytes) written to {destination}");
            return 0;
        }, parse.InvocationConfiguration.Error));
        return command;
    }
}
