using Ebpf.Elf;
using Ebpf.Isa;

namespace Ebpf.Cli.Input;

/// <summary>Reads the program a command runs: raw bytecode, or one function of an ELF object.</summary>
internal static class ProgramLoader
{
    /// <summary>Reads a program file. An ELF object gives the function <paramref name="function"/>, or its only function.</summary>
    public static Bytecode Load(string path, string? function = null)
    {
        byte[] bytes = ReadFile(path);
        return ElfFile.HasElfMagic(bytes) ? FromElf(bytes, function, path) : Bytecode.FromBytes(bytes);
    }

    /// <summary>Reads a whole file, turning a missing or unreadable file into a usage error.</summary>
    public static byte[] ReadFile(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read '{path}': {e.Message}");
        }
    }

    /// <summary>The code of one function of an ELF object: the named one, else 'main', else the only one.</summary>
    public static Bytecode FromElf(byte[] bytes, string? function, string source)
    {
        var elf = ElfFile.Read(bytes);
        var functions = elf.Sections.Where(s => s.IsCode)
            .SelectMany(section => elf.FunctionsIn(section).Select(symbol => (section, symbol)))
            .ToList();
        if (functions.Count == 0)
        {
            var code = elf.Sections.Where(s => s.IsCode && s.Data.Length > 0).ToList();
            if (code.Count == 1 && function is null) return Bytecode.FromBytes(code[0].Data.Span);
            throw new UsageException($"{source}: the object has no function symbols{(code.Count > 1 ? " and several code sections" : "")}; nothing to run");
        }
        var chosen = function is not null
            ? functions.Where(f => f.symbol.Name == function).ToList()
            : functions.Where(f => f.symbol.Name == "main").ToList() is { Count: > 0 } main ? main : functions.Count == 1 ? functions : [];
        if (chosen.Count == 0)
        {
            string names = string.Join(", ", functions.Select(f => f.symbol.Name));
            throw new UsageException(function is null
                ? $"{source}: the object has several functions ({names}); choose one with --function"
                : $"{source}: no function named '{function}'; the object has: {names}");
        }
        var (section, symbol) = chosen[0];
        ulong size = symbol.Size != 0 ? symbol.Size : (ulong)section.Data.Length - symbol.Value;
        if (symbol.Value > (ulong)section.Data.Length || size > (ulong)section.Data.Length - symbol.Value)
            throw new ElfFormatException($"function '{symbol.Name}' (offset {symbol.Value}, size {size}) lies outside its section '{section.Name}'");
        return Bytecode.FromBytes(section.Data.Span.Slice((int)symbol.Value, (int)size));
    }
}
