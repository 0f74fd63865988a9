using System.Runtime.InteropServices;

namespace Ebpf.Linux.Syscalls;

/// <summary><c>struct bpf_map_info</c> as <see cref="BpfCommand.ObjectGetInfoByFd"/> fills it for a map fd.</summary>
[StructLayout(LayoutKind.Explicit, Size = 88)]
internal unsafe struct BpfMapInfo
{
    [FieldOffset(0)] public uint Type;
    [FieldOffset(4)] public uint Id;
    [FieldOffset(8)] public uint KeySize;
    [FieldOffset(12)] public uint ValueSize;
    [FieldOffset(16)] public uint MaxEntries;
    [FieldOffset(20)] public uint MapFlags;
    [FieldOffset(24)] public fixed byte Name[16];
    [FieldOffset(40)] public uint InterfaceIndex;
    [FieldOffset(44)] public uint BtfVmlinuxValueTypeId;
    [FieldOffset(48)] public ulong NetnsDevice;
    [FieldOffset(56)] public ulong NetnsInode;
    [FieldOffset(64)] public uint BtfId;
    [FieldOffset(68)] public uint BtfKeyTypeId;
    [FieldOffset(72)] public uint BtfValueTypeId;
    [FieldOffset(76)] public uint BtfVmlinuxId;
    [FieldOffset(80)] public ulong MapExtra;
}
