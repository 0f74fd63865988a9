using Ebpf.Linux.Syscalls;

namespace Ebpf.Linux.Tests.Syscalls;

public class KernelErrorExceptionTests
{
    [Fact]
    public void PermissionDeniedSaysHowToGetPermission()
    {
        var error = new KernelErrorException(BpfCommand.ProgramLoad, 1);
        Assert.Equal("EPERM", error.ErrorName);
        Assert.True(error.IsPermissionDenied);
        Assert.StartsWith("bpf(ProgramLoad) failed with EPERM: the process may not use bpf(): run as root or grant CAP_BPF", error.Message);
        Assert.Contains("CAP_SYS_ADMIN", error.Message);
        Assert.Null(error.VerifierLog);
    }

    [Fact]
    public void VerifierRejectionCarriesTheLogInTheMessage()
    {
        const string log = "0: (bf) r0 = r2\nR2 !read_ok\nprocessed 1 insns\n";
        var error = new KernelErrorException(BpfCommand.ProgramLoad, 13, log);
        Assert.Equal(13, error.ErrorNumber);
        Assert.False(error.IsPermissionDenied);
        Assert.Equal(log, error.VerifierLog);
        Assert.Equal(
            "bpf(ProgramLoad) failed with EACCES: the verifier rejected the program; its log below ends with the reason, " +
            "after the instruction it refused\nverifier log:\n0: (bf) r0 = r2\nR2 !read_ok\nprocessed 1 insns",
            error.Message);
    }

    [Fact]
    public void UnknownSyscallPointsAtKernelConfigOrSeccomp()
    {
        var error = new KernelErrorException(BpfCommand.ProgramTestRun, 38);
        Assert.Equal("ENOSYS", error.ErrorName);
        Assert.Contains("CONFIG_BPF_SYSCALL", error.Message);
        Assert.Contains("seccomp", error.Message);
    }

    [Fact]
    public void UnlistedErrnoIsShownByNumber()
    {
        var error = new KernelErrorException(BpfCommand.MapCreate, 4242);
        Assert.Equal("errno 4242", error.ErrorName);
        Assert.Equal("bpf(MapCreate) failed with errno 4242: see bpf(2) for what this error means for this command", error.Message);
    }
}
