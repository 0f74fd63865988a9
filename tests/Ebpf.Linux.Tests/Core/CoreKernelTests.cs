using System.Runtime.InteropServices;
using Ebpf.Btf;
using Ebpf.Btf.Core;
using Ebpf.Elf;
using Ebpf.Linux.Programs;
using Ebpf.Linux.Tests.Examples;
using Ebpf.ProgramTypes;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Core;

/// <summary>
/// CO-RE against the running kernel: programs of tests/objects/core_fields.c read <c>task_struct->pid</c> and
/// <c>->tgid</c> of the current task at offsets relocated against /sys/kernel/btf/vmlinux, are loaded as raw
/// tracepoints and test-run (the run happens on the calling thread), and must return this thread's tid and pid.
/// </summary>
public partial class CoreKernelTests(ITestOutputHelper output)
{
    [LibraryImport("libc", SetLastError = false)]
    internal static partial int gettid();

    [LibraryImport("libc", SetLastError = false)]
    private static partial int getpid();

    private bool Missing()
    {
        if (KernelRequirement.Missing(output)) return true;
        if (KernelBtf.IsAvailable) return false;
        output.WriteLine($"SKIPPED: {KernelBtf.VmlinuxPath} does not exist (the kernel lacks CONFIG_DEBUG_INFO_BTF)");
        return true;
    }

    private static (CollectionSpec Spec, ProgramSpec Program) Program(string name)
    {
        var spec = ObjectFile.Load(Path.Combine(ExampleKernelComparisonTests.RepositoryRoot(), "tests", "objects", "core_fields.o"));
        return (spec, spec.FindProgram(name)!);
    }

    private uint RunRelocated(string name)
    {
        var (spec, program) = Program(name);
        var relocated = CoreRelocator.Apply(program, spec.Btf!, KernelBtf.Vmlinux);
        foreach (var report in relocated.Relocations) output.WriteLine(report.ToString());
        using var loaded = KernelTestProgram.Load(relocated.Instructions, KnownProgramTypes.RawTracepoint, name: name);
        return loaded.TestRunContext(new byte[8]).ReturnValue;
    }

    [Fact]
    public void Current_pid_at_the_relocated_offset_is_the_calling_threads_id()
    {
        if (Missing()) return;
        // Test runs of a raw tracepoint execute in the calling thread, so bpf_get_current_task() is this thread.
        uint pid = RunRelocated("current_pid");
        Assert.Equal((uint)gettid(), pid);
    }

    [Fact]
    public void Current_tgid_at_the_relocated_offset_is_the_process_id()
    {
        if (Missing()) return;
        uint tgid = RunRelocated("current_tgid");
        Assert.Equal((uint)getpid(), tgid);
    }

    [Fact]
    public void A_relocation_inside_a_called_function_is_applied_where_the_function_was_linked()
    {
        if (Missing()) return;
        var (_, program) = Program("current_tgid_via_call");
        var function = program.Functions.Single(f => f.Name == "tgid_of");
        var relocation = Assert.Single(program.CoreRelocations);
        Assert.InRange(relocation.InstructionIndex, function.StartIndex, function.StartIndex + function.Length - 1);
        Assert.Equal((uint)getpid(), RunRelocated("current_tgid_via_call"));
    }

    [Fact]
    public void The_first_bytes_of_comm_at_the_relocated_array_offset_are_the_threads_name()
    {
        if (Missing()) return;
        uint head = RunRelocated("current_comm_head");
        // The kernel's view of this thread's name, read on the same thread.
        byte[] name = System.Text.Encoding.ASCII.GetBytes(File.ReadAllText("/proc/thread-self/comm").TrimEnd('\n'));
        var expected = new byte[4];
        name.AsSpan(0, Math.Min(4, name.Length)).CopyTo(expected);
        output.WriteLine($"thread name: {System.Text.Encoding.ASCII.GetString(name)}");
        Assert.Equal(BitConverter.ToUInt32(expected), head);
    }

    [Fact]
    public void Without_relocation_the_compilers_offsets_read_something_else()
    {
        if (Missing()) return;
        var (_, program) = Program("current_pid");
        using var loaded = KernelTestProgram.Load(program.Instructions, KnownProgramTypes.RawTracepoint, name: "current_pid");
        Assert.NotEqual((uint)gettid(), loaded.TestRunContext(new byte[8]).ReturnValue);
    }

    [Fact]
    public void A_poisoned_instruction_is_rejected_by_the_kernel_verifier_as_libbpf_intends()
    {
        if (Missing()) return;
        var (spec, program) = Program("missing_read");
        var relocated = CoreRelocator.Apply(program, spec.Btf!, KernelBtf.Vmlinux);
        Assert.True(relocated.Relocations.Single().Poisoned);
        var error = Assert.Throws<KernelErrorException>(() => KernelTestProgram.Load(relocated.Instructions, KnownProgramTypes.RawTracepoint, name: "missing_read"));
        output.WriteLine(error.VerifierLog);
        Assert.Contains("invalid func unknown#195896080", error.VerifierLog);
    }
}
