using Ebpf.Isa;
using Ebpf.ProgramTypes;

namespace Ebpf.Linux.Programs;

/// <summary>Everything one <c>BPF_PROG_LOAD</c> sends: the program, its type, license and name, and optionally its BTF.</summary>
internal sealed record ProgramLoadRequest(ProgramTypeId Type, Bytecode Instructions, string License, string Name)
{
    /// <summary>The expected attach type some program types' rules depend on.</summary>
    public AttachTypeId? ExpectedAttachType { get; init; }

    /// <summary>The kernel version of the object's <c>version</c> section (0 when absent; only old kprobe loaders check it).</summary>
    public uint KernelVersion { get; init; }

    /// <summary>
    /// The verifier log level to ask for even when the load succeeds (1: per-path log, 2: every instruction, 4: statistics
    /// only); 0 asks for a log only to explain a failure.
    /// </summary>
    public uint LogLevel { get; init; }

    /// <summary>The BTF object and the func_info/line_info records that refer to it, or null for none.</summary>
    public ProgramBtf? Btf { get; init; }
}

/// <summary>
/// The BTF of a program load: the loaded BTF object's fd, <c>bpf_func_info</c> records (8 bytes each) and
/// <c>bpf_line_info</c> records (16 bytes each, or none).
/// </summary>
internal sealed record ProgramBtf(uint Fd, byte[] FunctionInfo, byte[]? LineInfo);
