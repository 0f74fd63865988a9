using System.Runtime.InteropServices;

namespace Ebpf.Linux.Links;

/// <summary>The part of <c>union bpf_attr</c> that <c>BPF_RAW_TRACEPOINT_OPEN</c> reads (<c>raw_tracepoint</c> in linux/bpf.h).</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct BpfAttrRawTracepointOpen
{
    /// <summary>A pointer to the zero-terminated tracepoint name.</summary>
    [FieldOffset(0)] public ulong Name;
    [FieldOffset(8)] public uint ProgramFd;
}
