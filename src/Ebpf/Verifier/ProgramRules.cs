using Ebpf.ProgramTypes;

namespace Ebpf.Verifier;

/// <summary>
/// What the verifier enforces per program type, on top of the shared <see cref="ProgramType"/> descriptors: which context
/// bytes may be read or written and what they load, whether the packet may be read or written directly, which helpers
/// are allowed and the range of the return value (the kernel's <c>*_is_valid_access</c>, <c>*_func_proto</c> and
/// <c>check_return_code</c>).
/// </summary>
internal sealed class ProgramRules
{
    /// <summary>The size of <c>struct pt_regs</c> on x86-64, the context of kprobes.</summary>
    private const int PtRegsSize = 168;
    /// <summary>The kernel's PERF_MAX_TRACE_SIZE: tracepoint contexts may be read up to here.</summary>
    private const int TracepointContextLimit = 8192;

    private static readonly int[] BaseHelpers = [1, 2, 3, 5, 6, 7, 8, 12, 42, 87, 88, 89, 118, 125, 130, 131, 132, 133, 134, 160, 181, 195, 208];
    private static readonly int[] TracingHelpers = [4, 14, 15, 16, 22, 25, 27, 35, 45, 67, 80, 112, 113, 114, 115, 173];
    private static readonly int[] SocketHelpers = [25, 26, 46, 47, 68];
    private static readonly int[] TcHelpers = [9, 10, 11, 13, 17, 18, 19, 20, 21, 23, 24, 28, 31, 32, 34, 38, 39, 40, 41, 43, 48, 50, 51, 69, 79];
    private static readonly int[] XdpHelpers = [23, 25, 28, 44, 51, 54, 65, 69, 188, 189, 190];

    private readonly HashSet<int> _helpers;
    private readonly Func<int, int, bool, ContextAccess> _context;

    private ProgramRules(string name, ProgramTypeId type, IEnumerable<int> helpers, Func<int, int, bool, ContextAccess> context)
    {
        Name = name;
        Type = type;
        _helpers = [.. BaseHelpers, .. helpers];
        _context = context;
    }

    public string Name { get; }
    public ProgramTypeId Type { get; }

    /// <summary>Whether the program may read the packet directly (data/data_end pointers).</summary>
    public bool PacketRead { get; private init; }

    /// <summary>Whether the program may write the packet directly.</summary>
    public bool PacketWrite { get; private init; }

    /// <summary>The allowed return values, or null when the kernel does not restrict them.</summary>
    public (long Min, long Max)? ReturnRange { get; private init; }

    /// <summary>The "raw" type: r1 points to a memory region whose length is in r2.</summary>
    public bool IsRaw { get; private init; }

    public bool AllowsHelper(int id) => _helpers.Contains(id);

    public ContextAccess CheckContext(int offset, int size, bool write) => _context(offset, size, write);

    /// <summary>The rules for a program type, or null when the verifier does not model it.</summary>
    public static ProgramRules? For(ProgramTypeId type, AttachTypeId? attach = null) => type switch
    {
        ProgramTypeId.SocketFilter => new("socket_filter", type, SocketHelpers,
            Fields(KnownProgramTypes.SocketFilter, writable: f => f.Name.StartsWith("cb[", StringComparison.Ordinal))),
        ProgramTypeId.SchedClassifier or ProgramTypeId.SchedAction => new(type == ProgramTypeId.SchedAction ? "sched_act" : "sched_cls", type,
            [.. SocketHelpers, .. TcHelpers], Fields(KnownProgramTypes.SchedCls, writable: f => f.Writable))
        { PacketRead = true, PacketWrite = true },
        ProgramTypeId.Xdp => new("xdp", type, XdpHelpers,
            Fields(KnownProgramTypes.Xdp, writable: _ => false, hidden: attach == AttachTypeId.XdpDevmap ? null : "egress_ifindex", wholeFieldsOnly: true))
        { PacketRead = true, PacketWrite = true },
        ProgramTypeId.CgroupSkb => new("cgroup_skb", type, SocketHelpers,
            Fields(KnownProgramTypes.SchedCls, writable: f => f.Name is "mark" or "priority" || f.Name.StartsWith("cb[", StringComparison.Ordinal)))
        { PacketRead = true, ReturnRange = attach == AttachTypeId.CgroupInetEgress ? (0, 3) : (0, 1) },
        ProgramTypeId.Kprobe => new("kprobe", type, TracingHelpers, ReadOnly(PtRegsSize)),
        ProgramTypeId.Tracepoint => new("tracepoint", type, TracingHelpers, ReadOnly(TracepointContextLimit)),
        ProgramTypeId.RawTracepoint => new("raw_tracepoint", type, TracingHelpers, ReadOnly(8 * 12)),
        ProgramTypeId.PerfEvent => new("perf_event", type, TracingHelpers, ReadOnly(PtRegsSize + 16)),
        _ => null,
    };

    /// <summary>The "raw" type of bytecode files: r1 points to a memory region of r2 bytes; no context fields.</summary>
    public static ProgramRules Raw { get; } = new("raw", ProgramTypeId.Unspecified, [.. TracingHelpers],
        (_, _, _) => ContextAccess.Refused("the raw type's memory region is accessed through r1 after a length check on r2, not as a context"))
    { IsRaw = true, PacketRead = true, PacketWrite = true };

    private static Func<int, int, bool, ContextAccess> ReadOnly(int size) => (offset, width, write) =>
    {
        if (write) return ContextAccess.Refused("the context of this program type is read-only", RejectionReason.ReadOnlyContextField);
        if (offset < 0 || offset + width > size) return ContextAccess.Refused($"invalid bpf_context access off={offset} size={width}: the context has {size} bytes");
        if (offset % width != 0) return ContextAccess.Refused($"misaligned context access off={offset} size={width}");
        return new ContextAccess(RegisterKind.Scalar, null);
    };

    private static Func<int, int, bool, ContextAccess> Fields(ProgramType type, Func<ContextField, bool> writable, string? hidden = null, bool wholeFieldsOnly = false) =>
        (offset, width, write) =>
        {
            var field = type.Fields.FirstOrDefault(f => f.Name != hidden && offset >= f.Offset && offset + width <= f.Offset + f.Size);
            if (field is null)
                return ContextAccess.Refused($"invalid bpf_context access off={offset} size={width}: no {type.Name} context field covers these bytes");
            if (field.IsPacketPointer)
            {
                if (write) return ContextAccess.Refused($"the {type.Name} context field {field.Name} is read-only", RejectionReason.ReadOnlyContextField);
                if (offset != field.Offset || width != field.Size)
                    return ContextAccess.Refused($"{field.Name} must be loaded whole: {field.Size} bytes at offset {field.Offset}");
                return new ContextAccess(field.Kind switch
                {
                    ContextFieldKind.PacketStart => RegisterKind.Packet,
                    ContextFieldKind.PacketEnd => RegisterKind.PacketEnd,
                    _ => RegisterKind.PacketMeta,
                }, null);
            }
            if (write)
            {
                if (!writable(field)) return ContextAccess.Refused($"the {type.Name} context field {field.Name} is read-only", RejectionReason.ReadOnlyContextField);
                if (offset != field.Offset || width != field.Size)
                    return ContextAccess.Refused($"a store to {field.Name} must write all {field.Size} bytes at offset {field.Offset}");
            }
            if (offset % width != 0) return ContextAccess.Refused($"misaligned context access off={offset} size={width}");
            if (wholeFieldsOnly && (offset != field.Offset || width != field.Size))
                return ContextAccess.Refused($"{type.Name} context fields are read whole: {field.Name} is {field.Size} bytes at offset {field.Offset}");
            return new ContextAccess(RegisterKind.Scalar, null);
        };
}
