using Ebpf.Isa;
using Ebpf.Linux.Programs;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Programs;

public class KernelTestProgramTests(ITestOutputHelper output)
{
    private static readonly byte[] SixtyFourZeros = new byte[64];

    [Fact]
    public void ReturnsTheLow32BitsOfR0()
    {
        if (KernelRequirement.Missing(output)) return;
        var program = new List<Instruction>();
        Emit.Lddw(program, 0, 0xdead_beef_1234_5678);
        program.Add(Emit.Exit());
        using var filter = KernelTestProgram.Load(new Bytecode(program));
        var result = filter.TestRun(SixtyFourZeros);
        Assert.Equal(0x1234_5678u, result.ReturnValue);
    }

    [Fact]
    public void HandsThePayloadBackWithAZeroedEthernetHeader()
    {
        if (KernelRequirement.Missing(output)) return;
        using var filter = KernelTestProgram.Load(new Bytecode([Emit.Mov64(0, -1), Emit.Exit()]));
        byte[] packet = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        var result = filter.TestRun(packet, repeat: 10);
        Assert.Equal(uint.MaxValue, result.ReturnValue);
        // A socket filter runs on the packet past its link-layer header; the kernel pushes the header back as
        // zeros (memset in bpf_prog_test_run_skb for program types that are not L2).
        byte[] expected = [.. new byte[14], .. packet[14..]];
        Assert.Equal(expected, result.DataOut);
    }

    [Fact]
    public void SeesThePacketLengthThroughTheContext()
    {
        if (KernelRequirement.Missing(output)) return;
        // r0 = ((struct __sk_buff *)r1)->len, the field at offset 0: the length past the 14-byte Ethernet header.
        using var filter = KernelTestProgram.Load(new Bytecode([Emit.Load(AccessSize.Word, 0, 1, 0), Emit.Exit()]));
        Assert.Equal(50u, filter.TestRun(SixtyFourZeros).ReturnValue);
        Assert.Equal(51u, filter.TestRun(new byte[65]).ReturnValue);
    }

    [Fact]
    public void AVerifierRejectionCarriesTheLog()
    {
        if (KernelRequirement.Missing(output)) return;
        // r0 = r2 reads a register the program never wrote.
        var error = Assert.Throws<KernelErrorException>(() =>
            KernelTestProgram.Load(new Bytecode([Emit.AluReg(true, AluOperation.Mov, 0, 2), Emit.Exit()])));
        output.WriteLine(error.Message);
        Assert.Equal(Ebpf.Linux.Syscalls.BpfCommand.ProgramLoad, error.Command);
        Assert.Equal("EACCES", error.ErrorName);
        Assert.NotNull(error.VerifierLog);
        Assert.Contains("R2 !read_ok", error.VerifierLog);
        Assert.Contains("verifier log:", error.Message);
    }

    [Fact]
    public void DivisionByImmediateZeroIsRejected()
    {
        if (KernelRequirement.Missing(output)) return;
        var error = Assert.Throws<KernelErrorException>(() =>
            KernelTestProgram.Load(new Bytecode([Emit.Mov64(0, 7), Emit.Alu(true, AluOperation.Div, 0, 0), Emit.Exit()])));
        Assert.Equal("EINVAL", error.ErrorName);
        Assert.Contains("div by zero", error.VerifierLog);
    }

    [Fact]
    public void TooShortDataIsRefusedBeforeTheKernelSeesIt()
    {
        if (KernelRequirement.Missing(output)) return;
        using var filter = KernelTestProgram.Load(new Bytecode([Emit.Mov64(0, 0), Emit.Exit()]));
        var error = Assert.Throws<ArgumentException>(() => filter.TestRun(new byte[13]));
        Assert.StartsWith("a packet test run needs at least 14 bytes of data (an Ethernet header), got 13", error.Message);
    }

    [Fact]
    public void ARunAfterDisposeThrowsInsteadOfUsingAStaleDescriptor()
    {
        if (KernelRequirement.Missing(output)) return;
        var filter = KernelTestProgram.Load(new Bytecode([Emit.Mov64(0, 0), Emit.Exit()]));
        filter.Dispose();
        Assert.Throws<ObjectDisposedException>(() => filter.TestRun(SixtyFourZeros));
    }
}
