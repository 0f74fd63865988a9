using System.Runtime.InteropServices;

namespace Ebpf.Linux.Syscalls;

/// <summary>
/// The part of <c>union bpf_attr</c> that <see cref="BpfCommand.MapCreate"/> reads, offset for offset as in
/// <c>linux/bpf.h</c> up to <c>map_extra</c> (Linux 5.16); fields left zero are ignored by the kernel.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 72)]
internal unsafe struct BpfAttrMapCreate
{
    /// <summary>The length of <c>map_name</c> including its terminating zero (BPF_OBJ_NAME_LEN).</summary>
    public const int NameLength = 16;

    [FieldOffset(0)] public uint MapType;
    [FieldOffset(4)] public uint KeySize;
    [FieldOffset(8)] public uint ValueSize;
    [FieldOffset(12)] public uint MaxEntries;
    [FieldOffset(16)] public uint MapFlags;
    [FieldOffset(20)] public uint InnerMapFd;
    [FieldOffset(24)] public uint NumaNode;
    [FieldOffset(28)] public fixed byte MapName[NameLength];
    [FieldOffset(44)] public uint MapInterfaceIndex;
    [FieldOffset(48)] public uint BtfFd;
    [FieldOffset(52)] public uint BtfKeyTypeId;
    [FieldOffset(56)] public uint BtfValueTypeId;
    [FieldOffset(60)] public uint BtfVmlinuxValueTypeId;
    [FieldOffset(64)] public ulong MapExtra;

    /// <summary>Copies up to 15 bytes of <paramref name="name"/> into <c>map_name</c>, replacing characters the kernel refuses.</summary>
    public void SetName(string name)
    {
        fixed (byte* target = MapName) ObjectNames.Write(name, new Span<byte>(target, NameLength));
    }
}
