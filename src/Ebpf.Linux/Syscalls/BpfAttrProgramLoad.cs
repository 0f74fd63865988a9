using Ebpf.ProgramTypes;
using System.Runtime.InteropServices;

namespace Ebpf.Linux.Syscalls;

/// <summary>
/// The part of <c>union bpf_attr</c> that <see cref="BpfCommand.ProgramLoad"/> reads, field for field and offset for
/// offset as in <c>linux/bpf.h</c> up to <c>log_true_size</c> (Linux 6.4). The kernel accepts a shorter attr than
/// its own as long as it is zero-padded, and rejects unknown non-zero trailing bytes, so every field we do not set
/// stays zero.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 144)]
internal unsafe struct BpfAttrProgramLoad
{
    /// <summary>The length of <c>prog_name</c> including its terminating zero (BPF_OBJ_NAME_LEN).</summary>
    public const int NameLength = 16;

    [FieldOffset(0)] public ProgramTypeId ProgramType;
    [FieldOffset(4)] public uint InstructionCount;
    [FieldOffset(8)] public ulong Instructions;
    [FieldOffset(16)] public ulong License;
    [FieldOffset(24)] public uint LogLevel;
    [FieldOffset(28)] public uint LogSize;
    [FieldOffset(32)] public ulong LogBuffer;
    [FieldOffset(40)] public uint KernelVersion;
    [FieldOffset(44)] public uint ProgramFlags;
    [FieldOffset(48)] public fixed byte ProgramName[NameLength];
    [FieldOffset(64)] public uint ProgramInterfaceIndex;
    [FieldOffset(68)] public uint ExpectedAttachType;
    [FieldOffset(72)] public uint ProgramBtfFd;
    [FieldOffset(76)] public uint FunctionInfoRecordSize;
    [FieldOffset(80)] public ulong FunctionInfo;
    [FieldOffset(88)] public uint FunctionInfoCount;
    [FieldOffset(92)] public uint LineInfoRecordSize;
    [FieldOffset(96)] public ulong LineInfo;
    [FieldOffset(104)] public uint LineInfoCount;
    [FieldOffset(108)] public uint AttachBtfId;
    /// <summary><c>attach_prog_fd</c>, or <c>attach_btf_obj_fd</c> (a union in the header).</summary>
    [FieldOffset(112)] public uint AttachProgramFd;
    [FieldOffset(116)] public uint CoreRelocationCount;
    [FieldOffset(120)] public ulong FdArray;
    [FieldOffset(128)] public ulong CoreRelocations;
    [FieldOffset(136)] public uint CoreRelocationRecordSize;
    /// <summary>Output: the log size the verifier needed, even when the buffer was too small.</summary>
    [FieldOffset(140)] public uint LogTrueSize;

    /// <summary>Copies up to 15 bytes of <paramref name="name"/> into <c>prog_name</c>, replacing characters the kernel refuses.</summary>
    public void SetName(string name)
    {
        fixed (byte* target = ProgramName) ObjectNames.Write(name, new Span<byte>(target, NameLength));
    }
}
