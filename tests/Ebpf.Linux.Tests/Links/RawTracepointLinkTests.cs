using System.Runtime.InteropServices;
using Ebpf.Isa.Text;
using Ebpf.Linux.Kernel;
using Ebpf.Linux.Links;
using Ebpf.Maps;
using Ebpf.ProgramTypes;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Links;

/// <summary>
/// A raw tracepoint program on sys_enter counts exactly the getppid calls this process makes while attached, and none
/// after its link is disposed.
/// </summary>
public partial class RawTracepointLinkTests(ITestOutputHelper output)
{
    private const int GetppidNumber = 110; // x86-64

    [LibraryImport("libc")]
    private static partial int getppid();

    [Fact]
    public void Sys_enter_counts_this_processs_getppid_calls_while_attached()
    {
        if (KernelRequirement.Missing(output)) return;
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            output.WriteLine("SKIPPED: the test names getppid by its x86-64 system call number");
            return;
        }
        using var counter = KernelMap.Create(new MapSpec("getppid_calls", MapType.Array, 4, 8, 1));
        // args[0] is the pt_regs pointer, args[1] the system call number.
        using var program = KernelProgram.Load(Assembler.Assemble($"""
            r6 = *(u64 *)(r1 + 8)
            if r6 != {GetppidNumber} goto out
            call 14
            r0 >>= 32
            if r0 != {Environment.ProcessId} goto out
            *(u32 *)(r10 - 4) = 0
            r1 = map_fd({counter.FileDescriptor}) ll
            r2 = r10
            r2 += -4
            call 1
            if r0 == 0 goto out
            r1 = 1
            lock *(u64 *)(r0 + 0) += r1
            out:
            r0 = 0
            exit
            """), ProgramTypeId.RawTracepoint, "count_getppid");
        ulong Count() => BitConverter.ToUInt64(counter.Lookup(new byte[4])!);

        uint id;
        using (var link = program.AttachRawTracepoint("sys_enter"))
        {
            output.WriteLine(link.ToString());
            id = link.Id;
            var info = link.Info();
            Assert.Equal(LinkType.RawTracepoint, info.Type);
            Assert.Equal(program.Id, info.ProgramId);
            for (int i = 0; i < 7; i++) getppid();
            Assert.Equal(7UL, Count());
        }
        Assert.DoesNotContain(id, KernelLink.AllIds());
        for (int i = 0; i < 3; i++) getppid();
        Assert.Equal(7UL, Count());
    }

    [Fact]
    public void A_pinned_link_outlives_its_fd_until_the_pin_is_removed()
    {
        if (KernelRequirement.Missing(output)) return;
        if (!Directory.Exists("/sys/fs/bpf") || !File.ReadAllText("/proc/self/mounts").Contains(" /sys/fs/bpf bpf "))
        {
            output.WriteLine("SKIPPED: no bpf file system at /sys/fs/bpf");
            return;
        }
        string pin = $"/sys/fs/bpf/ebpf-test-link-{Environment.ProcessId}-{Random.Shared.Next(100000)}";
        try
        {
            uint id;
            using (var program = KernelProgram.Load(Assembler.Assemble("r0 = 0\nexit"), ProgramTypeId.RawTracepoint, "pinned"))
            using (var link = program.AttachRawTracepoint("sys_enter"))
            {
                id = link.Id;
                link.Pin(pin);
            }
            Assert.Contains(id, KernelLink.AllIds());
            using (var reopened = KernelLink.FromPin(pin))
            {
                Assert.Equal(id, reopened.Id);
                Assert.Equal(LinkType.RawTracepoint, reopened.Info().Type);
            }
            Assert.Contains(id, KernelLink.AllIds());
            File.Delete(pin);
            var deadline = DateTime.UtcNow.AddSeconds(5); // the kernel frees a link after an RCU grace period
            while (KernelLink.AllIds().Contains(id) && DateTime.UtcNow < deadline) Thread.Sleep(20);
            Assert.DoesNotContain(id, KernelLink.AllIds());
        }
        finally
        {
            File.Delete(pin);
        }
    }

    [Fact]
    public void An_unknown_raw_tracepoint_is_named()
    {
        if (KernelRequirement.Missing(output)) return;
        using var program = KernelProgram.Load(Assembler.Assemble("r0 = 0\nexit"), ProgramTypeId.RawTracepoint, "nothing");
        var error = Assert.Throws<AttachException>(() => program.AttachRawTracepoint("no_such_tracepoint"));
        output.WriteLine(error.Message);
        Assert.Equal(Errno.ENOENT, error.ErrorNumber);
        Assert.Contains("no raw tracepoint 'no_such_tracepoint'", error.Message);
    }
}
