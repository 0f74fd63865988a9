using System.Runtime.CompilerServices;
using Ebpf.Linux.Syscalls;

namespace Ebpf.Linux.Tests.Syscalls;

/// <summary>The attr structs must match <c>union bpf_attr</c> of linux/bpf.h byte for byte.</summary>
public class BpfAttrLayoutTests
{
    private static unsafe int OffsetOf<T>(ref T value, ref byte field) where T : unmanaged =>
        (int)Unsafe.ByteOffset(ref Unsafe.As<T, byte>(ref value), ref field);

    [Fact]
    public unsafe void ProgramLoadFieldsSitAtTheHeaderOffsets()
    {
        var attr = new BpfAttrProgramLoad();
        Assert.Equal(144, sizeof(BpfAttrProgramLoad));
        Assert.Equal(4, OffsetOf(ref attr, ref Unsafe.As<uint, byte>(ref attr.InstructionCount)));
        Assert.Equal(8, OffsetOf(ref attr, ref Unsafe.As<ulong, byte>(ref attr.Instructions)));
        Assert.Equal(16, OffsetOf(ref attr, ref Unsafe.As<ulong, byte>(ref attr.License)));
        Assert.Equal(24, OffsetOf(ref attr, ref Unsafe.As<uint, byte>(ref attr.LogLevel)));
        Assert.Equal(32, OffsetOf(ref attr, ref Unsafe.As<ulong, byte>(ref attr.LogBuffer)));
        Assert.Equal(48, OffsetOf(ref attr, ref attr.ProgramName[0]));
        Assert.Equal(68, OffsetOf(ref attr, ref Unsafe.As<uint, byte>(ref attr.ExpectedAttachType)));
        Assert.Equal(112, OffsetOf(ref attr, ref Unsafe.As<uint, byte>(ref attr.AttachProgramFd)));
        Assert.Equal(120, OffsetOf(ref attr, ref Unsafe.As<ulong, byte>(ref attr.FdArray)));
        Assert.Equal(140, OffsetOf(ref attr, ref Unsafe.As<uint, byte>(ref attr.LogTrueSize)));
    }

    [Fact]
    public unsafe void ProgramTestRunFieldsSitAtTheHeaderOffsets()
    {
        var attr = new BpfAttrProgramTestRun();
        Assert.Equal(80, sizeof(BpfAttrProgramTestRun));
        Assert.Equal(4, OffsetOf(ref attr, ref Unsafe.As<uint, byte>(ref attr.ReturnValue)));
        Assert.Equal(12, OffsetOf(ref attr, ref Unsafe.As<uint, byte>(ref attr.DataSizeOut)));
        Assert.Equal(16, OffsetOf(ref attr, ref Unsafe.As<ulong, byte>(ref attr.DataIn)));
        Assert.Equal(24, OffsetOf(ref attr, ref Unsafe.As<ulong, byte>(ref attr.DataOut)));
        Assert.Equal(32, OffsetOf(ref attr, ref Unsafe.As<uint, byte>(ref attr.Repeat)));
        Assert.Equal(36, OffsetOf(ref attr, ref Unsafe.As<uint, byte>(ref attr.Duration)));
        Assert.Equal(48, OffsetOf(ref attr, ref Unsafe.As<ulong, byte>(ref attr.ContextIn)));
        Assert.Equal(72, OffsetOf(ref attr, ref Unsafe.As<uint, byte>(ref attr.BatchSize)));
    }

    [Fact]
    public unsafe void ProgramNameIsTruncatedToFifteenBytesAndSanitised()
    {
        var attr = new BpfAttrProgramLoad();
        attr.SetName("a-very-long-program-name");
        var name = new byte[BpfAttrProgramLoad.NameLength];
        for (int i = 0; i < name.Length; i++) name[i] = attr.ProgramName[i];
        Assert.Equal("a_very_long_pro\0"u8.ToArray(), name);
    }
}
