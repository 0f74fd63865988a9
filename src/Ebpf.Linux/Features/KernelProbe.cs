using Ebpf.Isa;
using Ebpf.Linux.Programs;

namespace Ebpf.Linux.Features;

/// <summary>Questions about what this process may do with the kernel's bpf(), answered by trying.</summary>
public static class KernelProbe
{
    private static readonly Lazy<(bool Usable, string Reason)> BpfUsable = new(ProbeBpf);

    /// <summary>
    /// Whether this process can load and test-run a program: tries a trivial <c>r0 = 0; exit</c> socket filter.
    /// The answer is computed once per process.
    /// </summary>
    /// <param name="reason">Why not (EPERM, ENOSYS, seccomp, not Linux…), or what worked.</param>
    public static bool CanUseBpf(out string reason)
    {
        (bool usable, reason) = BpfUsable.Value;
        return usable;
    }

    private static (bool, string) ProbeBpf()
    {
        if (!OperatingSystem.IsLinux())
            return (false, $"bpf() is a Linux system call and this is {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        var returnZero = new Bytecode(
        [
            new Instruction((byte)InstructionClass.Alu64 | (byte)AluOperation.Mov, 0, 0, 0, 0),
            new Instruction(Opcodes.Exit, 0, 0, 0, 0),
        ]);
        try
        {
            using var filter = KernelTestProgram.Load(returnZero, "probe");
            var result = filter.TestRun(new byte[KernelTestProgram.MinimumDataLength]);
            if (result.ReturnValue != 0)
                return (false, $"the kernel ran 'r0 = 0; exit' and returned {result.ReturnValue}, not 0");
            return (true, "bpf() works: loaded and test-ran a socket filter");
        }
        catch (KernelErrorException e)
        {
            return (false, e.Message);
        }
    }
}
