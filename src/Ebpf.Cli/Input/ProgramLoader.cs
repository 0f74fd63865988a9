using Ebpf.Elf;
using Ebpf.Isa;

namespace Ebpf.Cli.Input;

/// <summary>Reads the program a command runs: raw bytecode, or one program or function of an ELF object.</summary>
internal static class ProgramLoader
{
    /// <summary>
    /// Reads a program file. For an ELF object: the linked program named <paramref name="function"/> (or the only
    /// program) as the object loader builds it; otherwise the plain function, as <see cref="FromElf"/> finds it.
    /// </summary>
    public static Bytecode Load(string path, string? function = null)
    {
        byte[] bytes = ReadFile(path);
        if (!ElfFile.HasElfMagic(bytes)) return Bytecode.FromBytes(bytes);
        return LinkedProgram(bytes, function) ?? FromElf(bytes, function, path);
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

    /// <summary>
    /// The loader's linked program: the one named <paramref name="function"/>, or the only one when no name is given;
    /// null when there is none, or when the object is one the loader cannot read but a plain function may still run.
    /// </summary>
    private static Bytecode? LinkedProgram(byte[] bytes, string? function)
    {
        CollectionSpec spec;
        try
        {
            spec = ObjectFile.Load(bytes);
        }
        catch (EbpfException)
        {
            return null;
        }
        if (function is not null) return spec.FindProgram(function)?.Instructions;
        return spec.Programs.Count == 1 ? spec.Programs[0].Instructions : null;
    }

    /// <summary>The code of one function of an ELF object (the named one, else 'main', else the only one) and what follows it in its section.</summary>
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
        if (symbol.Value > (ulong)section.Data.Length || symbol.Size > (ulong)section.Data.Length - symbol.Value)
            throw new ElfFormatException($"function '{symbol.Name}' (offset {symbol.Value}, size {symbol.Size}) lies outside its section '{section.Name}'");
        // From the function to the end of its section: clang places static callees after their callers and resolves
        // those bpf-to-bpf calls itself. Objects the loader reads are linked by it instead (see LinkedProgram).
        return Bytecode.FromBytes(section.Data.Span[(int)symbol.Value..]);
    }
}
