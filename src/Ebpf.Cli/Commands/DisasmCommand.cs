using System.CommandLine;
using Ebpf.Btf;
using Ebpf.Cli.Input;
using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.Isa.Text;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf disasm FILE</c>: prints raw bytecode, or every code section of an ELF object, one instruction a line as
/// <c>INDEX: TEXT</c> in LLVM's syntax, laid out like <c>llvm-objdump -d</c>; with <c>--source</c>, each source line
/// from the object's BTF line records is written before its first instruction as <c>; TEXT</c>, like <c>llvm-objdump -S</c>.
/// </summary>
internal static class DisasmCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "Raw bytecode (8 bytes per instruction) or an ELF object" };
        var hex = new Option<bool>("--hex") { Description = "Write immediates and offsets in hex, as LLVM 19 does (default: decimal, as LLVM 14)" };
        var exact = new Option<bool>("--exact") { Description = "Write local and kfunc calls as 'call pc+N' and 'call kfunc(N)', so the text assembles back to the same bytes" };
        var source = new Option<bool>("--source") { Description = "Interleave the C source lines recorded in the object's BTF (compile with -g), as llvm-objdump -S does" };
        var command = new Command("disasm", "Disassemble raw bytecode or an ELF object in LLVM's syntax")
        {
            file, hex, exact, source,
        };
        command.SetAction(parse => CommandAction.Run(() =>
        {
            string path = parse.GetValue(file)!;
            byte[] bytes = ProgramLoader.ReadFile(path);
            var options = new DisassemblyOptions
            {
                Radix = parse.GetValue(hex) ? ImmediateRadix.Hexadecimal : ImmediateRadix.Decimal,
                DistinguishCalls = parse.GetValue(exact),
            };
            var output = parse.InvocationConfiguration.Output;
            bool withSource = parse.GetValue(source);
            if (ElfFile.HasElfMagic(bytes)) WriteObject(path, ElfFile.Read(bytes), options, withSource, output);
            else if (withSource) throw new UsageException($"{path}: --source needs an ELF object with BTF line records; raw bytecode has none");
            else output.Write(Disassembler.ToText(Bytecode.FromBytes(bytes), options));
            return 0;
        }, parse.InvocationConfiguration.Error));
        return command;
    }

    private static void WriteObject(string path, ElfFile elf, DisassemblyOptions options, bool withSource, TextWriter output)
    {
        var lineInfos = withSource ? ObjectFile.ReadBtf(elf)?.Ext.LineInfos : null;
        if (withSource && lineInfos is null) throw new UsageException($"{path}: the object has no BTF; compile it with -g for --source");
        output.WriteLine();
        output.WriteLine($"{path}:\tfile format elf64-bpf");
        foreach (var section in elf.Sections.Where(s => s.IsCode && s.Data.Length > 0))
        {
            if (section.Data.Length % Instruction.Size != 0)
                throw new ElfFormatException($"code section '{section.Name}' is {section.Data.Length} bytes, not a multiple of {Instruction.Size}");
            output.WriteLine();
            output.WriteLine($"Disassembly of section {section.Name}:");
            var labels = elf.Symbols
                .Where(s => s.SectionIndex == section.Index && s.Name.Length > 0 && s.Type is 0 or ElfSymbol.Function)
                .GroupBy(s => s.Value)
                .ToDictionary(g => g.Key, g => g.OrderByDescending(s => s.IsFunction).First().Name);
            if (!labels.ContainsKey(0)) labels[0] = section.Name;
            var sourceLines = SourceLines(lineInfos, section.Name);
            BtfLineInfo? lastPrinted = null;
            foreach (var line in Disassembler.Disassemble(Bytecode.FromBytes(section.Data.Span), options))
            {
                if (labels.TryGetValue((ulong)line.Index * Instruction.Size, out string? label))
                {
                    output.WriteLine();
                    output.WriteLine($"{(ulong)line.Index * Instruction.Size:x16} <{label}>:");
                }
                if (sourceLines.TryGetValue(line.Index, out var sourceLine) && sourceLine.Line != 0
                    && (lastPrinted is null || lastPrinted.Line != sourceLine.Line || lastPrinted.FileName != sourceLine.FileName))
                {
                    output.WriteLine($"; {sourceLine.LineText}");
                    lastPrinted = sourceLine;
                }
                output.WriteLine(line.ToString());
            }
        }
    }

    /// <summary>The line records of one section by instruction index (the last record wins where several share one).</summary>
    private static Dictionary<int, BtfLineInfo> SourceLines(IReadOnlyDictionary<string, IReadOnlyList<BtfLineInfo>>? lineInfos, string section)
    {
        var byIndex = new Dictionary<int, BtfLineInfo>();
        if (lineInfos is not null && lineInfos.TryGetValue(section, out var records))
            foreach (var record in records) byIndex[record.InstructionIndex] = record;
        return byIndex;
    }
}
