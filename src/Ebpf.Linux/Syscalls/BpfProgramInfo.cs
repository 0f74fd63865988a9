using System.Runtime.InteropServices;

namespace Ebpf.Linux.Syscalls;

/// <summary><c>struct bpf_prog_info</c> as <see cref="BpfCommand.ObjectGetInfoByFd"/> fills it for a program fd (up to <c>attach_btf_id</c>).</summary>
[StructLayout(LayoutKind.Explicit, Size = 232)]
internal unsafe struct BpfProgramInfo
{
    [FieldOffset(0)] public uint Type;
    [FieldOffset(4)] public uint Id;
    [FieldOffset(8)] public fixed byte Tag[8];
    [FieldOffset(16)] public uint JitedLength;
    [FieldOffset(20)] public uint TranslatedLength;
    [FieldOffset(24)] public ulong JitedInstructions;
    [FieldOffset(32)] public ulong TranslatedInstructions;
    /// <summary>Nanoseconds since boot when the program was loaded.</summary>
    [FieldOffset(40)] public ulong LoadTime;
    [FieldOffset(48)] public uint CreatedByUid;
    [FieldOffset(52)] public uint MapIdCount;
    [FieldOffset(56)] public ulong MapIds;
    [FieldOffset(64)] public fixed byte Name[16];
    [FieldOffset(80)] public uint InterfaceIndex;
    /// <summary>Bit 0: <c>gpl_compatible</c>.</summary>
    [FieldOffset(84)] public uint Bits;
    [FieldOffset(88)] public ulong NetnsDevice;
    [FieldOffset(96)] public ulong NetnsInode;
    [FieldOffset(104)] public uint JitedKsymCount;
    [FieldOffset(108)] public uint JitedFunctionLengthCount;
    [FieldOffset(112)] public ulong JitedKsyms;
    [FieldOffset(120)] public ulong JitedFunctionLengths;
    [FieldOffset(128)] public uint BtfId;
    [FieldOffset(132)] public uint FunctionInfoRecordSize;
    [FieldOffset(136)] public ulong FunctionInfo;
    [FieldOffset(144)] public uint FunctionInfoCount;
    [FieldOffset(148)] public uint LineInfoCount;
    [FieldOffset(152)] public ulong LineInfo;
    [FieldOffset(160)] public ulong JitedLineInfo;
    [FieldOffset(168)] public uint JitedLineInfoCount;
    [FieldOffset(172)] public uint LineInfoRecordSize;
    [FieldOffset(176)] public uint JitedLineInfoRecordSize;
    [FieldOffset(180)] public uint ProgramTagCount;
    [FieldOffset(184)] public ulong ProgramTags;
    [FieldOffset(192)] public ulong RunTimeNanoseconds;
    [FieldOffset(200)] public ulong RunCount;
    [FieldOffset(208)] public ulong RecursionMisses;
    [FieldOffset(216)] public uint VerifiedInstructions;
    [FieldOffset(220)] public uint AttachBtfObjectId;
    [FieldOffset(224)] public uint AttachBtfId;
}
