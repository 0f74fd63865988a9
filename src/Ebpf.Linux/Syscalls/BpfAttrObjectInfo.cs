using System.Runtime.InteropServices;

namespace Ebpf.Linux.Syscalls;

/// <summary>The part of <c>union bpf_attr</c> that <see cref="BpfCommand.ObjectGetInfoByFd"/> reads.</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct BpfAttrObjectInfo
{
    [FieldOffset(0)] public uint BpfFd;
    /// <summary>In: the size of the info buffer; out: how much the kernel filled.</summary>
    [FieldOffset(4)] public uint InfoLength;
    [FieldOffset(8)] public ulong Info;
}
