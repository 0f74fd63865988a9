using System.Collections.Concurrent;
using CsCheck;
using Ebpf.Isa;

namespace Ebpf.Linux.Tests.Differential;

/// <summary>
/// The differential tests are only as good as what the generators emit: every instruction form they promise must
/// actually appear in a few thousand programs. Forms are written out from the RFC 9669 opcode table.
/// </summary>
public class GeneratorCoverageTests
{
    private const byte Alu = 0x04, Alu64 = 0x07, Jmp = 0x05, Jmp32 = 0x06, K = 0x00, X = 0x08;

    private static HashSet<string> FormsIn(Gen<GeneratedProgram> programs, int count, Func<Instruction, string?> form)
    {
        var seen = new ConcurrentDictionary<string, bool>();
        programs.Sample(program =>
        {
            foreach (var insn in program.Instructions)
                if (form(insn) is { } name) seen.TryAdd(name, true);
        }, iter: count);
        return [.. seen.Keys];
    }

    private static string? AluForm(Instruction insn) =>
        insn.Class is InstructionClass.Alu or InstructionClass.Alu64
            ? (insn.Opcode & 0xf0) == 0xd0 ? $"{insn.Opcode:x2} imm={insn.Immediate}" : $"{insn.Opcode:x2} off={insn.Offset}"
            : null;

    private static IEnumerable<string> ExpectedAluForms()
    {
        foreach (byte cls in new[] { Alu, Alu64 })
        {
            foreach (byte op in new byte[] { 0x00, 0x10, 0x20, 0x40, 0x50, 0x60, 0x70, 0xa0, 0xb0, 0xc0 })
                foreach (byte source in new[] { K, X })
                    yield return $"{cls | op | source:x2} off=0";
            foreach (byte op in new byte[] { 0x30, 0x90 }) // div, mod: unsigned (off 0) and signed (off 1)
                foreach (byte source in new[] { K, X })
                    foreach (int offset in new[] { 0, 1 })
                        yield return $"{cls | op | source:x2} off={offset}";
            yield return $"{cls | 0x80:x2} off=0"; // neg
            foreach (int bits in cls == Alu64 ? new[] { 8, 16, 32 } : [8, 16]) // movsx
                yield return $"{cls | 0xb0 | X:x2} off={bits}";
        }
        foreach (int width in new[] { 16, 32, 64 })
        {
            yield return $"d4 imm={width}"; // le
            yield return $"dc imm={width}"; // be
            yield return $"d7 imm={width}"; // bswap
        }
    }

    [Fact]
    public void ArithmeticProgramsUseEveryAluForm()
    {
        var seen = FormsIn(StraightLinePrograms.Arithmetic, 3000, AluForm);
        Assert.Empty(ExpectedAluForms().Except(seen));
    }

    [Fact]
    public void DivisionProgramsUseEveryDivisionForm()
    {
        var seen = FormsIn(StraightLinePrograms.Divisions, 500, AluForm);
        var expected = new[] { Alu, Alu64 }.SelectMany(cls => new byte[] { 0x30, 0x90 }.SelectMany(op =>
            new[] { K, X }.SelectMany(source => new[] { $"{cls | op | source:x2} off=0", $"{cls | op | source:x2} off=1" })));
        Assert.Empty(expected.Except(seen));
    }

    [Fact]
    public void BranchProgramsUseEveryJumpForm()
    {
        var seen = FormsIn(BranchPrograms.Branches, 3000, insn =>
            insn.Class is InstructionClass.Jmp or InstructionClass.Jmp32 && insn.Opcode != 0x95 ? $"{insn.Opcode:x2}" : null);
        var expected = new List<string> { "05", "06" }; // goto, gotol
        foreach (byte cls in new[] { Jmp, Jmp32 })
            foreach (byte op in new byte[] { 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0xa0, 0xb0, 0xc0, 0xd0 })
                foreach (byte source in new[] { K, X })
                    expected.Add($"{cls | op | source:x2}");
        Assert.Empty(expected.Except(seen));
    }

    [Fact]
    public void StackProgramsUseEveryLoadStoreAndAtomicForm()
    {
        var seen = FormsIn(StackPrograms.StackAndAtomics, 3000, insn => insn.Class switch
        {
            InstructionClass.St or InstructionClass.Ldx => $"{insn.Opcode:x2}",
            InstructionClass.Stx => (insn.Opcode & 0xe0) == 0xc0 ? $"{insn.Opcode:x2} imm=0x{insn.Immediate:x2}" : $"{insn.Opcode:x2}",
            _ => null,
        });
        string[] expected =
        [
            "72", "6a", "62", "7a", // st b, h, w, dw
            "73", "6b", "63", "7b", // stx
            "71", "69", "61", "79", // ldx
            "91", "89", "81",       // ldsx b, h, w
            .. new[] { "c3", "db" }.SelectMany(opcode => new[] { 0x00, 0x40, 0x50, 0xa0, 0x01, 0x41, 0x51, 0xa1, 0xe1, 0xf1 }
                .Select(op => $"{opcode} imm=0x{op:x2}")),
        ];
        Assert.Empty(expected.Except(seen));
    }

    [Fact]
    public void PacketProgramsUseEveryPacketLoadInAndPastThePacket()
    {
        var seen = FormsIn(PacketPrograms.PacketLoads, 1000, insn =>
            Opcodes.IsPacketLoad(insn.Opcode) ? $"{insn.Opcode:x2} {(insn.Immediate > KernelOracle.PacketLength ? "past" : "inside")}" : null);
        string[] expected = [.. new[] { "20", "28", "30", "40", "48", "50" }.SelectMany(op => new[] { $"{op} inside", $"{op} past" })];
        Assert.Empty(expected.Except(seen));
    }
}
