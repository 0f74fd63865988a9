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
    public void RefusesAProgramWithoutExit()
    {
        var error = Assert.Throws<ArgumentException>(() => KernelOracle.Wrap([Emit.Mov64(0, 0)]));
        Assert.StartsWith("a generated program ends its main function with an exit", error.Message);
    }

    [Fact]
    public void CallsFromTheMainFunctionAreReaimedPastTheEpilogue()
    {
        // 0: r1 = 5; 1: call +1 (to 3); 2: exit; 3: r0 = r1; 4: exit
        Ebpf.Isa.Instruction[] program =
        [
            Emit.Mov64(1, 5), Emit.CallLocal(1), Emit.Exit(),
            Emit.AluReg(true, Ebpf.Isa.AluOperation.Mov, 0, 1), Emit.Exit(),
        ];
        var wrapped = KernelOracle.Wrap(program);
        Assert.Equal(11, wrapped.Count);
        Assert.Equal(Emit.CallLocal(5), wrapped[3]); // 2 harness slots before, 4 more in place of the exit: 3 + 1 + 5 = 9
        Assert.Equal(program[3], wrapped[9]);
        if (KernelRequirement.Missing(output)) return;
        Assert.Equal(5ul, KernelOracle.Run(new GeneratedProgram("call", program)));
    }
}
