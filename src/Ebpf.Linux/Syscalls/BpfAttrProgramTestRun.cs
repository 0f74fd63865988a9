using System.Runtime.InteropServices;

namespace Ebpf.Linux.Syscalls;

/// <summary>
/// The part of <c>union bpf_attr</c> that <see cref="BpfCommand.ProgramTestRun"/> reads and writes (the
/// <c>test</c> struct of <c>linux/bpf.h</c>), offset for offset.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 80)]
internal struct BpfAttrProgramTestRun
{
    [FieldOffset(0)] public uint ProgramFd;
    /// <summary>Output: the program's return value, the low 32 bits of r0.</summary>
    [FieldOffset(4)] public uint ReturnValue;
    [FieldOffset(8)] public uint DataSizeIn;
    /// <summary>Input: the capacity of <see cref="DataOut"/>. Output: the size of the data the run produced.</summary>
    [FieldOffset(12)] public uint DataSizeOut;
    [FieldOffset(16)] public ulong DataIn;
    [FieldOffset(24)] public ulong DataOut;
    [FieldOffset(32)] public uint Repeat;
    /// <summary>Output: the mean duration of one run in nanoseconds.</summary>
    [FieldOffset(36)] public uint Duration;
    [FieldOffset(40)] public uint ContextSizeIn;
    [FieldOffset(44)] public uint ContextSizeOut;
    [FieldOffset(48)] public ulong ContextIn;
    [FieldOffset(56)] public ulong ContextOut;
    [FieldOffset(64)] public uint Flags;
    [FieldOffset(68)] public uint Cpu;
    [FieldOffset(72)] public uint BatchSize;
}
