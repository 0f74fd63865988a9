using CsCheck;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Differential;

/// <summary>The harness itself must hand back r0 whole, or every differential test would compare the wrong thing.</summary>
public class KernelOracleTests(ITestOutputHelper output)
{
    [Fact]
    public void ReturnsAll64BitsOfAConstant()
    {
        if (KernelRequirement.Missing(output)) return;
        Values.Register64.Sample(value =>
        {
            var program = new List<Ebpf.Isa.Instruction>();
            Emit.Lddw(program, 0, value);
            program.Add(Emit.Exit());
            Assert.Equal(value, KernelOracle.Run(new GeneratedProgram("constant", [.. program])));
        }, iter: 200, writeLine: output.WriteLine);
    }

    [Fact]
    public void JumpsToTheFinalExitStillReachTheEpilogue()
    {
        if (KernelRequirement.Missing(output)) return;
        // r0 = 0x1_0000_0002; if r0 != 0 goto exit; r0 = 7; exit  →  0x1_0000_0002
        var program = new List<Ebpf.Isa.Instruction>();
        Emit.Lddw(program, 0, 0x1_0000_0002);
        program.Add(Emit.Jump(false, Ebpf.Isa.JumpOperation.Jne, 0, 0, 1));
        program.Add(Emit.Mov64(0, 7));
        program.Add(Emit.Exit());
        Assert.Equal(0x1_0000_0002ul, KernelOracle.Run(new GeneratedProgram("jump to exit", [.. program])));
    }

    [Fact]
    public void RefusesAProgramWithTwoExits()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            KernelOracle.Wrap([Emit.Mov64(0, 0), Emit.Exit(), Emit.Exit()]));
        Assert.StartsWith("a generated program has only one exit, at the end; found another at 1", error.Message);
    }
}
