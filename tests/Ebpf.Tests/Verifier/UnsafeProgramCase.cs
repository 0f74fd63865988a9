using Ebpf.Isa;
using Ebpf.Isa.Text;
using Ebpf.Maps;
using Ebpf.ProgramTypes;
using Ebpf.Verifier;

namespace Ebpf.Tests.Verifier;

/// <summary>
/// One case of TestData/unsafe_programs.txt: an unsafe program in assembly, the reason the verifier must name when it
/// rejects it, and the fixed program it must accept. Cases are separated by "=== name"; "--- unsafe" and "--- fixed"
/// start the two programs; "reason:", "type:", "fixed-type:", "maps:", "license:" and "options:" lines describe the case.
/// Macros: "@lookup" (r0 = lookup of a zero u32 key in map 0), "@xdp_packet" and "@tc_packet" (r2 = data, r3 = data_end).
/// </summary>
public sealed record UnsafeProgramCase(string Name, RejectionReason Reason, string Type, IReadOnlyList<MapSpec> Maps, string License,
    bool Unprivileged, int Budget, string Unsafe, string Fixed, string FixedType)
{
    public override string ToString() => Name;

    public VerificationResult Verify(bool fixedVersion)
    {
        var program = Assembler.Assemble(Expand(fixedVersion ? Fixed : Unsafe));
        var options = new VerifierOptions { Unprivileged = Unprivileged, InstructionBudget = Budget };
        string typeName = fixedVersion ? FixedType : Type;
        if (typeName == ProgramTypeNames.Raw) return ProgramVerifier.VerifyRaw(program, options, Maps, Name);
        if (!ProgramTypeNames.TryParse(typeName, out var type) || type is null) throw new InvalidDataException($"{Name}: unknown type '{typeName}'");
        return ProgramVerifier.Verify(program, type.Value, Maps, options, License, Name);
    }

    public static string Expand(string source)
    {
        var lines = new List<string>();
        foreach (string raw in source.Split('\n'))
        {
            string line = raw.Trim();
            switch (line)
            {
                case "@lookup":
                    lines.AddRange(["r1 = 0", "*(u32 *)(r10 - 4) = r1", "r2 = r10", "r2 += -4", "r1 = map_idx(0) ll", "call 1"]);
                    break;
                case "@xdp_packet":
                    lines.AddRange(["r2 = *(u32 *)(r1 + 0)", "r3 = *(u32 *)(r1 + 4)"]);
                    break;
                case "@tc_packet":
                    lines.AddRange(["r2 = *(u32 *)(r1 + 76)", "r3 = *(u32 *)(r1 + 80)"]);
                    break;
                default:
                    lines.Add(line);
                    break;
            }
        }
        return string.Join('\n', lines);
    }

    /// <summary>Reads every case of a file in the format above.</summary>
    public static IReadOnlyList<UnsafeProgramCase> Load(string path)
    {
        var cases = new List<UnsafeProgramCase>();
        string[] lines = File.ReadAllLines(path);
        int i = 0;
        while (i < lines.Length)
        {
            if (!lines[i].StartsWith("=== ", StringComparison.Ordinal)) { i++; continue; }
            string name = lines[i++][4..].Trim();
            var fields = new Dictionary<string, string>();
            string? section = null;
            var unsafeText = new List<string>();
            var fixedText = new List<string>();
            for (; i < lines.Length && !lines[i].StartsWith("=== ", StringComparison.Ordinal); i++)
            {
                string line = lines[i];
                if (line.StartsWith("--- ", StringComparison.Ordinal)) { section = line[4..].Trim(); continue; }
                if (section is null)
                {
                    if (line.TrimStart().StartsWith('#') || line.Trim().Length == 0) continue;
                    int colon = line.IndexOf(':');
                    if (colon < 0) throw new InvalidDataException($"{name}: expected 'key: value', got '{line}'");
                    fields[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                }
                else if (section == "unsafe") unsafeText.Add(line);
                else if (section == "fixed") fixedText.Add(line);
                else throw new InvalidDataException($"{name}: unknown section '{section}'");
            }
            if (!fields.TryGetValue("reason", out string? reasonText) || !Enum.TryParse<RejectionReason>(reasonText, out var reason))
                throw new InvalidDataException($"{name}: missing or unknown reason '{reasonText}'");
            string options = fields.GetValueOrDefault("options", "");
            int budget = VerifierOptions.DefaultInstructionBudget;
            foreach (string option in options.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                if (option.StartsWith("budget=", StringComparison.Ordinal)) budget = int.Parse(option["budget=".Length..]);
            cases.Add(new UnsafeProgramCase(name, reason, fields.GetValueOrDefault("type", "xdp"), ParseMaps(fields.GetValueOrDefault("maps", "")),
                fields.GetValueOrDefault("license", "GPL"), options.Contains("unprivileged", StringComparison.Ordinal), budget,
                string.Join('\n', unsafeText), string.Join('\n', fixedText),
                fields.GetValueOrDefault("fixed-type", fields.GetValueOrDefault("type", "xdp"))));
        }
        return cases;
    }

    /// <summary>"Hash 4 8 16, RingBuffer 0 0 4096 [rdonly]": type, key size, value size, max entries, optional read-only flag.</summary>
    private static IReadOnlyList<MapSpec> ParseMaps(string text)
    {
        var maps = new List<MapSpec>();
        foreach (string item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] parts = item.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var type = Enum.Parse<MapType>(parts[0]);
            var flags = parts.Length > 4 && parts[4] == "rdonly" ? MapCreationFlags.ReadOnlyProgram : MapCreationFlags.None;
            var spec = new MapSpec($"map{maps.Count}", type, uint.Parse(parts[1]), uint.Parse(parts[2]), uint.Parse(parts[3]), flags);
            if (type is MapType.ArrayOfMaps or MapType.HashOfMaps) spec = spec with { InnerMap = new MapSpec("inner", MapType.Array, 4, 8, 4) };
            maps.Add(spec);
        }
        return maps;
    }
}
