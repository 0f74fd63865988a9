using System.Runtime.InteropServices;

namespace Ebpf.Linux.Syscalls;

/// <summary>The part of <c>union bpf_attr</c> that <see cref="BpfCommand.BtfLoad"/> reads, as in <c>linux/bpf.h</c>.</summary>
[StructLayout(LayoutKind.Explicit, Size = 32)]
internal struct BpfAttrBtfLoad
{
    [FieldOffset(0)] public ulong Btf;
    [FieldOffset(8)] public ulong LogBuffer;
    [FieldOffset(16)] public uint BtfSize;
    [FieldOffset(20)] public uint LogSize;
    [FieldOffset(24)] public uint LogLevel;
    /// <summary>Output: the log size the kernel needed.</summary>
    [FieldOffset(28)] public uint LogTrueSize;
}
