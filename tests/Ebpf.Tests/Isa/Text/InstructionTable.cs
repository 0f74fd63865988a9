using Xunit;
using Ebpf.Isa;

namespace Ebpf.Tests.Isa.Text;

/// <summary>One row of a text table: the slots of one instruction and its text in each radix.</summary>
public sealed record InstructionCase(string Hex, string DecimalText, string HexadecimalText)
{
    public byte[] Bytes => Convert.FromHexString(Hex);

    public Instruction First => Instruction.Decode(Bytes);

    public Instruction? Second => Bytes.Length > Instruction.Size ? Instruction.Decode(Bytes.AsSpan(Instruction.Size)) : null;

    // Shown as the theory's case name.
    public override string ToString() => $"{Hex} | {DecimalText}";
}

/// <summary>
/// Reads the language-neutral instruction tables in TestData: lines of <c>HEX | decimal text | hexadecimal text</c>
/// (columns separated by a space, a bar and a space, so that <c>|=</c> stays in its column),
/// where HEX is 8 bytes per slot in memory order; <c>#</c> starts a comment line or a trailing comment.
/// </summary>
public static class InstructionTable
{
    public static IReadOnlyList<InstructionCase> Load(string fileName)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Isa", "Text", "TestData", fileName);
        var cases = new List<InstructionCase>();
        foreach (string rawLine in File.ReadLines(path))
        {
            string line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            int comment = line.IndexOf("  #", StringComparison.Ordinal);
            if (comment >= 0) line = line[..comment];
            string[] columns = line.Split(" | ", StringSplitOptions.TrimEntries);
            if (columns.Length != 3) throw new InvalidDataException($"{fileName}: expected three columns in '{rawLine}'");
            cases.Add(new InstructionCase(columns[0], columns[1], columns[2]));
        }
        return cases;
    }

    public static TheoryData<InstructionCase> Theory(string fileName)
    {
        var data = new TheoryData<InstructionCase>();
        foreach (var row in Load(fileName)) data.Add(row);
        return data;
    }
}
