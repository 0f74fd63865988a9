using System.Runtime.InteropServices;
using Ebpf.Runtime;

namespace Ebpf.Tests.Helpers;

/// <summary>The probe-read helpers on every engine, against the run's memory and host-registered <see cref="ProbeMemory"/>.</summary>
public abstract unsafe class ProbeHelperTests : IDisposable
{
    protected abstract ExecutionEngine Engine { get; }

    public sealed class OnInterpreter : ProbeHelperTests
    {
        protected override ExecutionEngine Engine => ExecutionEngine.Interpreter;
    }

    public sealed class OnJit : ProbeHelperTests
    {
        protected override ExecutionEngine Engine => ExecutionEngine.Jit;
    }

    private readonly byte* _user = (byte*)NativeMemory.Alloc(32);
    private readonly byte* _kernel = (byte*)NativeMemory.Alloc(32);

    protected ProbeHelperTests()
    {
        "user data, 16 b\0user tail......"u8.CopyTo(new Span<byte>(_user, 32));
        "kernel data 1234kernel tail....."u8.CopyTo(new Span<byte>(_kernel, 32));
    }

    public void Dispose()
    {
        NativeMemory.Free(_user);
        NativeMemory.Free(_kernel);
        GC.SuppressFinalize(this);
    }

    private RunContext Context() => new()
    {
        ProbeMemory = new ProbeMemory().Add((nint)_user, 32, ProbeAddressSpace.User, "user buffer").Add((nint)_kernel, 32, ProbeAddressSpace.Kernel, "kernel buffer"),
    };

    /// <summary>r0 = HELPER(memory, SIZE, SOURCE): the destination is the run's 16-byte memory.</summary>
    private (ulong Result, byte[] Memory) Read(int helper, int size, ulong source)
    {
        var memory = Enumerable.Repeat((byte)0xaa, 16).ToArray();
        ulong result = new HelperRun(Engine).Run($"r2 = {size}\nr3 = 0x{source:x} ll\ncall {helper}\nexit\n", memory, Context());
        return (result, memory);
    }

    [Theory]
    [InlineData(112, true, 0UL)]    // probe_read_user of user memory
    [InlineData(113, false, 0UL)]   // probe_read_kernel of kernel memory
    [InlineData(4, true, 0UL)]      // the legacy probe_read reads either
    [InlineData(4, false, 0UL)]
    [InlineData(112, false, 14UL)]  // user read of kernel memory: -EFAULT
    [InlineData(113, true, 34UL)]   // kernel read of user memory: -ERANGE (the address lies in the x86-64 user half)
    public void Each_helper_reads_its_own_address_space(int helper, bool user, ulong errno)
    {
        byte* source = user ? _user : _kernel;
        var (result, memory) = Read(helper, 16, (ulong)source);
        if (errno == 0)
        {
            Assert.Equal(0UL, result);
            Assert.Equal(new Span<byte>(source, 16).ToArray(), memory);
        }
        else
        {
            Assert.Equal(HelperRun.Errno((int)errno), result);
            Assert.Equal(new byte[16], memory);   // the kernel zeroes the destination on a fault
        }
    }

    [Fact]
    public void A_read_running_off_the_end_of_a_region_faults_and_zeroes()
    {
        var (result, memory) = Read(4, 16, (ulong)_kernel + 24);
        Assert.Equal(HelperRun.Errno(14), result);
        Assert.Equal(new byte[16], memory);
    }

    [Fact]
    public void Probe_read_kernel_reads_the_programs_own_stack()
    {
        var memory = new byte[8];
        const string source = "r6 = r1\nr1 = 0x0102030405060708 ll\n*(u64 *)(r10 - 8) = r1\nr1 = r6\nr2 = 8\nr3 = r10\nr3 += -8\ncall 113\nexit\n";
        Assert.Equal(0UL, new HelperRun(Engine).Run(source, memory));
        Assert.Equal(0x0102030405060708UL, BitConverter.ToUInt64(memory));
    }

    [Theory]
    [InlineData(114, true, 16, 16UL, "user data, 16 b")]   // the string and its NUL fill the buffer
    [InlineData(114, true, 6, 6UL, "user ")]               // cut: 5 bytes and a NUL
    [InlineData(115, false, 16, 16UL, "kernel data 123")]  // no NUL within 16: cut to 15 and terminated
    [InlineData(45, false, 4, 4UL, "ker")]
    [InlineData(114, false, 16, 14UL, "")]                  // -EFAULT (the 14 is the errno)
    [InlineData(115, true, 16, 34UL, "")]                   // -ERANGE: a host address is in the user half
    public void String_reads_return_the_length_with_the_nul(int helper, bool user, int size, ulong expected, string text)
    {
        var (result, memory) = Read(helper, size, (ulong)(user ? _user : _kernel));
        if (text.Length == 0)
        {
            Assert.Equal(HelperRun.Errno((int)expected), result);
            Assert.Equal(new byte[16], memory);
            return;
        }
        Assert.Equal(expected, result);
        Assert.Equal(text, System.Text.Encoding.ASCII.GetString(memory, 0, text.Length));
        Assert.Equal(0, memory[text.Length]);
    }

    [Fact]
    public void An_empty_string_reads_as_one_byte()
    {
        var (result, memory) = Read(114, 8, (ulong)_user + 15);
        Assert.Equal(1UL, result);
        Assert.Equal(0, memory[0]);
    }

    [Fact]
    public void A_string_running_into_unreadable_memory_faults()
    {
        var (result, memory) = Read(45, 16, (ulong)_kernel + 28);
        Assert.Equal(HelperRun.Errno(14), result);
        Assert.Equal(new byte[16], memory);
    }

    [Fact]
    public void A_destination_outside_the_run_is_a_fault_not_a_write()
    {
        Assert.Throws<ProgramFaultException>(() =>
            new HelperRun(Engine).Run($"r1 = 0x{(ulong)_kernel:x} ll\nr2 = 8\nr3 = 0x{(ulong)_user:x} ll\ncall 113\nexit\n", new byte[8], Context()));
    }

    [Fact]
    public void Probe_memory_rejects_an_empty_region()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProbeMemory().Add(16, 0, ProbeAddressSpace.User, "empty"));
    }
}
