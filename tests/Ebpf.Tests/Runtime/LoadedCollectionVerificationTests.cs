using Ebpf.ProgramTypes;
using Ebpf.Runtime;
using Ebpf.Tests.Elf;
using Ebpf.TestRuns;

namespace Ebpf.Tests.Runtime;

/// <summary>
/// A loaded collection verifies its programs by default: accepted ones run, rejected ones cannot be asked for, and an
/// unverified collection runs everything in checked mode.
/// </summary>
public class LoadedCollectionVerificationTests
{
    private static readonly byte[] Ipv4Frame = [.. new byte[12], 0x08, 0x00, .. new byte[20]];

    [Fact]
    public void An_accepted_program_runs_and_its_verdict_is_kept()
    {
        using var collection = LoadedCollection.Create(TestObjects.Load("xdp_counter.o"));
        var program = collection.Program("count_packets");

        Assert.True(collection.Verdicts["count_packets"].Accepted);
        Assert.Equal(ProgramVerification.Verified, collection.Verification);
        Assert.Equal(2u, TestRunner.Run(program, KnownProgramTypes.Xdp, Ipv4Frame).ReturnValue);
    }

    [Fact]
    public void A_rejected_program_cannot_be_run_and_the_error_explains_why()
    {
        using var collection = LoadedCollection.Create(TestObjects.Load("unchecked_read.o"));

        var error = Assert.Throws<ProgramLoadException>(() => collection.Program("unchecked_read"));

        Assert.False(collection.Verdicts["unchecked_read"].Accepted);
        Assert.Contains("program 'unchecked_read' rejected", error.Message);
        Assert.Contains("ProgramVerification.Unverified", error.Message);
    }

    [Theory]
    [InlineData(ExecutionEngine.Interpreter)]
    [InlineData(ExecutionEngine.Jit)]
    public void An_unverified_collection_runs_the_rejected_program_in_checked_mode(ExecutionEngine engine)
    {
        using var collection = LoadedCollection.Create(TestObjects.Load("unchecked_read.o"), verification: ProgramVerification.Unverified);

        var program = collection.Program("unchecked_read", engine, new ExecutionOptions { MemoryChecks = MemoryChecks.Unchecked });

        Assert.Empty(collection.Verdicts);
        Assert.Equal(2u, TestRunner.Run(program, KnownProgramTypes.Xdp, Ipv4Frame).ReturnValue);
        // Checked although unchecked was asked for: r1 pointing outside every region faults instead of reading host memory.
        var context = new RunContext { R1 = 0x1000 };
        Assert.Throws<ProgramFaultException>(() => program.Run(context));
    }
}
