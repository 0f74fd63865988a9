namespace Ebpf.ProgramTypes;

/// <summary>
/// The tracing contexts, read-only: x86-64 <c>struct pt_regs</c> (kprobe), <c>struct bpf_perf_event_data</c>
/// (perf_event), <c>u64 args[]</c> (raw_tracepoint) and the common header of a tracepoint record.
/// </summary>
public static class TracingContexts
{
    /// <summary>sizeof(struct pt_regs) on x86-64.</summary>
    public const int PtRegsSize = 168;

    /// <summary>sizeof(struct bpf_perf_event_data): pt_regs, sample_period, addr.</summary>
    public const int PerfEventDataSize = 184;

    /// <summary>MAX_BPF_FUNC_ARGS: a raw tracepoint passes at most 12 arguments.</summary>
    public const int MaxRawTracepointArgs = 12;

    /// <summary>PERF_MAX_TRACE_SIZE (8192 since Linux 6.10; 2048 before): a tracepoint program may read this far into its record.</summary>
    public const int MaxTracepointRecord = 8192;

    /// <summary>
    /// The first bytes of a tracepoint context programs may not read (<c>tp_prog_is_valid_access</c> refuses offsets
    /// below sizeof(void *)): the common header's type, flags, preempt count and pid.
    /// </summary>
    public const int TracepointHiddenPrefix = 8;

    /// <summary>The x86-64 registers of <c>struct pt_regs</c> (asm/ptrace.h), in order, 8 bytes each.</summary>
    public static IReadOnlyList<string> PtRegsNames { get; } =
    [
        "r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax", "rcx", "rdx", "rsi", "rdi",
        "orig_rax", "rip", "cs", "eflags", "rsp", "ss",
    ];

    /// <summary><c>struct pt_regs</c> for kprobes (<c>kprobe_prog_is_valid_access</c>): any aligned load, no stores.</summary>
    public static IReadOnlyList<ContextField> PtRegs { get; } =
        PtRegsNames.Select((name, i) => new ContextField(name, 8 * i, 8).Narrow()).ToArray();

    /// <summary>
    /// <c>struct bpf_perf_event_data</c> (<c>pe_prog_is_valid_access</c>): the registers load only whole (8 bytes),
    /// sample_period and addr also narrow.
    /// </summary>
    public static IReadOnlyList<ContextField> PerfEventData { get; } =
    [
        .. PtRegsNames.Select((name, i) => new ContextField("regs." + name, 8 * i, 8)),
        new ContextField("sample_period", 168, 8).Narrow(),
        new ContextField("addr", 176, 8).Narrow(),
    ];

    /// <summary><c>struct bpf_raw_tracepoint_args</c>: args[0..11], any aligned load, no stores.</summary>
    public static IReadOnlyList<ContextField> RawTracepointArgs { get; } =
        Enumerable.Range(0, MaxRawTracepointArgs).Select(i => new ContextField($"args[{i}]", 8 * i, 8).Narrow()).ToArray();

    /// <summary>
    /// The part of a tracepoint record programs may read: everything after the 8-byte common header
    /// (<c>struct trace_entry</c>), up to PERF_MAX_TRACE_SIZE; any aligned load inside it.
    /// </summary>
    public static IReadOnlyList<ContextField> TracepointRecord { get; } =
    [
        new ContextField("record", TracepointHiddenPrefix, MaxTracepointRecord - TracepointHiddenPrefix) { ReadSizes = AccessSizesExtensions.UpTo(8) },
    ];
}
