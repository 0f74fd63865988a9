using System.Text.RegularExpressions;
using Ebpf.Isa;
using Ebpf.Isa.Text;
using Xunit;
using Xunit.Abstractions;

namespace Ebpf.Tests.Isa.Text;

/// <summary>
/// Compiles the C programs in tests/corpus with clang, disassembles each executable section with llvm-objdump and
/// with <see cref="Disassembler"/>, and requires every line to match; then assembles our text back to the bytes.
/// </summary>
public sealed partial class LlvmCorpusTests(ITestOutputHelper output)
{
    /// <summary>One way of compiling the corpus, and the objdump and radix that go with it.</summary>
    public sealed record Toolchain(string Name, string Clang, string Objdump, string[] Flags, DisassemblyOptions Options)
    {
        public override string ToString() => Name;
    }

    private static readonly Toolchain[] Toolchains =
    [
        new("llvm14-default", "clang-14", "llvm-objdump-14", [], DisassemblyOptions.Llvm14),
        new("llvm14-v3", "clang-14", "llvm-objdump-14", ["-mcpu=v3", "-DCORPUS_ALU32"], DisassemblyOptions.Llvm14),
        new("llvm19-v3", "clang-19", "llvm-objdump-19", ["-mcpu=v3", "-DCORPUS_ALU32"], DisassemblyOptions.Llvm19),
        new("llvm19-v4", "clang-19", "llvm-objdump-19", ["-mcpu=v4", "-DCORPUS_ALU32"], DisassemblyOptions.Llvm19),
    ];

    private const string Objcopy = "llvm-objcopy-19";

    public static TheoryData<string, string> Cases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string source in Directory.GetFiles(CorpusDirectory(), "*.c").Order(StringComparer.Ordinal))
                foreach (var toolchain in Toolchains)
                    data.Add(Path.GetFileName(source), toolchain.Name);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Disassembly_matches_llvm_objdump_line_by_line(string sourceName, string toolchainName)
    {
        var toolchain = Toolchains.Single(t => t.Name == toolchainName);
        string? clang = LlvmToolchain.Find(toolchain.Clang);
        string? objdump = LlvmToolchain.Find(toolchain.Objdump);
        string? objcopy = LlvmToolchain.Find(Objcopy);
        if (clang is null || objdump is null || objcopy is null)
        {
            // xunit 2 has no dynamic skip; say why nothing was checked and pass.
            output.WriteLine($"SKIPPED: {toolchain.Clang}, {toolchain.Objdump} or {Objcopy} is not installed");
            return;
        }

        string work = Directory.CreateTempSubdirectory("ebpf-corpus-").FullName;
        try
        {
            string obj = Path.Combine(work, Path.ChangeExtension(sourceName, ".o"));
            LlvmToolchain.Run(clang, ["-O2", "-target", "bpf", .. toolchain.Flags, "-c", Path.Combine(CorpusDirectory(), sourceName), "-o", obj]);
            var expected = ParseObjdump(LlvmToolchain.Run(objdump, "-d", "--no-show-raw-insn", obj));
            // Plain llvm-objdump cannot decode most 32-bit atomics; with the alu32 feature it prints them as we do.
            var expectedAlu32 = ParseObjdump(LlvmToolchain.Run(objdump, "-d", "--no-show-raw-insn", "--mattr=+alu32", obj));
            Assert.NotEmpty(expected);

            int compared = 0;
            foreach (var (section, lines) in expected)
            {
                string binary = Path.Combine(work, "section.bin");
                LlvmToolchain.Run(objcopy, "-O", "binary", $"--only-section={section}", obj, binary);
                byte[] code = File.ReadAllBytes(binary);
                var program = Bytecode.FromBytes(code);
                var ours = Disassembler.Disassemble(program, toolchain.Options);

                Assert.Equal(lines.Keys.Order(), ours.Select(line => line.Index));
                foreach (var line in ours)
                {
                    bool atomic32 = program[line.Index].Opcode == Opcodes.Atomic32;
                    string theirs = atomic32 ? expectedAlu32[section][line.Index] : lines[line.Index];
                    if (theirs != line.Text)
                        Assert.Fail($"{sourceName} ({toolchain.Name}), section {section}, instruction {line.Index}: " +
                                    $"llvm-objdump prints '{theirs}', we print '{line.Text}'");
                    compared++;
                }

                var reassembled = Assembler.Assemble(Disassembler.ToText(program, toolchain.Options with { DistinguishCalls = true }));
                Assert.Equal(code, reassembled.ToBytes());
            }
            output.WriteLine($"{sourceName} ({toolchain.Name}): {compared} instructions match llvm-objdump");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public void The_v4_corpus_exercises_every_instruction_kind_clang_emits()
    {
        var toolchain = Toolchains.Single(t => t.Name == "llvm19-v4");
        string? clang = LlvmToolchain.Find(toolchain.Clang);
        string? objcopy = LlvmToolchain.Find(Objcopy);
        if (clang is null || objcopy is null)
        {
            output.WriteLine($"SKIPPED: {toolchain.Clang} or {Objcopy} is not installed");
            return;
        }
        var seen = new HashSet<string>();
        string work = Directory.CreateTempSubdirectory("ebpf-corpus-").FullName;
        try
        {
            foreach (string source in Directory.GetFiles(CorpusDirectory(), "*.c"))
            {
                string obj = Path.Combine(work, "corpus.o");
                LlvmToolchain.Run(clang, ["-O2", "-target", "bpf", .. toolchain.Flags, "-c", source, "-o", obj]);
                foreach (string section in ParseObjdump(LlvmToolchain.Run(LlvmToolchain.Find(toolchain.Objdump)!, "-d", obj)).Keys)
                {
                    string binary = Path.Combine(work, "section.bin");
                    LlvmToolchain.Run(objcopy, "-O", "binary", $"--only-section={section}", obj, binary);
                    foreach (var line in Disassembler.Disassemble(Bytecode.FromBytes(File.ReadAllBytes(binary))))
                        seen.Add(Kind(line.Text));
                }
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
        string[] required =
        [
            "signed division", "signed modulo", "sign-extending move", "sign-extending load", "byte swap", "gotol",
            "call", "lddw", "atomic add", "atomic fetch", "atomic exchange", "atomic compare-exchange",
            "32-bit atomic", "32-bit arithmetic", "32-bit jump", "store immediate", "exit",
        ];
        var missing = required.Where(kind => !seen.Contains(kind)).ToList();
        Assert.True(missing.Count == 0, $"the corpus compiled for v4 never produces: {string.Join(", ", missing)}");
    }

    private static string Kind(string text) => text switch
    {
        _ when text.Contains(" s/= ") => "signed division",
        _ when text.Contains(" s%= ") => "signed modulo",
        _ when text.Contains(" = (s") => "sign-extending move",
        _ when text.Contains(" = *(s") => "sign-extending load",
        _ when text.Contains("bswap") => "byte swap",
        _ when text.StartsWith("gotol ") => "gotol",
        _ when text.StartsWith("call ") => "call",
        _ when text.EndsWith(" ll") => "lddw",
        _ when text.StartsWith("lock *(u32") || text.Contains("32_32(") || text.Contains("((u32 *)") => "32-bit atomic",
        _ when text.StartsWith("lock ") => "atomic add",
        _ when text.Contains("atomic_fetch_") => "atomic fetch",
        _ when text.Contains("xchg_64(") && !text.Contains("cmpxchg") => "atomic exchange",
        _ when text.Contains("cmpxchg_64(") => "atomic compare-exchange",
        _ when text.StartsWith("if w") => "32-bit jump",
        _ when text.StartsWith('w') => "32-bit arithmetic",
        _ when text.StartsWith("*(") && !text.Contains(") = r") => "store immediate",
        "exit" => "exit",
        _ => "other",
    };

    /// <summary>Instruction texts of llvm-objdump -d output, by section and instruction index.</summary>
    private static Dictionary<string, Dictionary<int, string>> ParseObjdump(string text)
    {
        var sections = new Dictionary<string, Dictionary<int, string>>();
        Dictionary<int, string>? current = null;
        foreach (string line in text.Split('\n'))
        {
            var header = SectionHeader().Match(line);
            if (header.Success)
            {
                current = [];
                sections[header.Groups[1].Value] = current;
                continue;
            }
            var instruction = InstructionLine().Match(line);
            if (instruction.Success && current is not null)
                current[int.Parse(instruction.Groups[1].Value)] = TargetAnnotation().Replace(instruction.Groups[2].Value, "").Trim();
        }
        return sections;
    }

    [GeneratedRegex(@"^Disassembly of section (.+):$")]
    private static partial Regex SectionHeader();

    [GeneratedRegex(@"^\s*(\d+):\t(.*)$")]
    private static partial Regex InstructionLine();

    // llvm-objdump follows jump targets with " <symbol+offset>"; the relative distance before it is what we compare.
    [GeneratedRegex(@" <[^<>]*>$")]
    private static partial Regex TargetAnnotation();

    private static string CorpusDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "tests", "corpus");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException($"tests/corpus not found above {AppContext.BaseDirectory}");
    }
}
