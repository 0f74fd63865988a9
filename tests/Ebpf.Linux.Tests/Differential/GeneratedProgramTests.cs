using Ebpf.Isa;

namespace Ebpf.Linux.Tests.Differential;

public class GeneratedProgramTests
{
    [Fact]
    public void PrintsBytesThenOneLinePerInstruction()
    {
        var slots = new List<Instruction>();
        Emit.Lddw(slots, 0, 0x1_0000_0002);
        slots.Add(Emit.Alu(false, AluOperation.Add, 0, -1));
        slots.Add(Emit.Exit());
        string expected =
            "arithmetic program, 4 slots\n" +
            "bytes: 1800000002000000000000000100000004000000ffffffff9500000000000000\n" +
            "   0: 18000000020000000000000001000000  r0 = 0x100000002 ll\n" +
            "   2: 04000000ffffffff                  w0 += -0x1\n" +
            "   3: 9500000000000000                  exit\n";
        Assert.Equal(expected, new GeneratedProgram("arithmetic", [.. slots]).ToString().ReplaceLineEndings("\n"));
    }
}
