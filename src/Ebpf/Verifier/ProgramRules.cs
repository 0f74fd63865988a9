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
    private static readonly int[] BaseHelpers = [1, 2, 3, 5, 6, 7, 8, 12, 42, 87, 88, 89, 118, 125, 130, 131, 132, 133, 134, 160, 164, 181, 195, 208];
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

    /// <summary>
    /// The rules for a program type, or null when the verifier does not model it. Context accesses and return ranges
    /// come from the shared descriptors (<see cref="KnownProgramTypes"/>, checked against the kernel's verifier);
    /// packet access and the allowed helpers are the verifier's own.
    /// </summary>
    public static ProgramRules? For(ProgramTypeId type, AttachTypeId? attach = null)
    {
        var descriptor = KnownProgramTypes.Find(type);
        if (descriptor is null || type == ProgramTypeId.Unspecified) return null;
        var range = descriptor.ReturnRangeFor(attach);
        (long, long)? returnRange = range is { } r ? (r.Min, r.Max) : null;
        var context = Fields(descriptor, attach);
        return type switch
        {
            ProgramTypeId.SocketFilter => new("socket_filter", type, SocketHelpers, context) { ReturnRange = returnRange },
            ProgramTypeId.SchedClassifier or ProgramTypeId.SchedAction => new(descriptor.Name, type, [.. SocketHelpers, .. TcHelpers], context)
            { PacketRead = true, PacketWrite = true, ReturnRange = returnRange },
            ProgramTypeId.Xdp => new("xdp", type, XdpHelpers, context) { PacketRead = true, PacketWrite = true, ReturnRange = returnRange },
            ProgramTypeId.CgroupSkb => new("cgroup_skb", type, SocketHelpers, context) { PacketRead = true, ReturnRange = returnRange },
            ProgramTypeId.LwtIn or ProgramTypeId.LwtOut => new(descriptor.Name, type, SocketHelpers, context) { PacketRead = true, ReturnRange = returnRange },
            ProgramTypeId.LwtXmit => new(descriptor.Name, type, [.. SocketHelpers, 9, 10, 11, 28], context)
            { PacketRead = true, PacketWrite = true, ReturnRange = returnRange },
            ProgramTypeId.SockOps or ProgramTypeId.CgroupSock or ProgramTypeId.CgroupSockAddr =>
                new(descriptor.Name, type, [14, 15, 16, 26, 46, 47], context) { ReturnRange = returnRange },
            ProgramTypeId.Kprobe or ProgramTypeId.Tracepoint or ProgramTypeId.RawTracepoint or ProgramTypeId.PerfEvent =>
                new(descriptor.Name, type, TracingHelpers, context) { ReturnRange = returnRange },
            _ => null,
        };
    }

    /// <summary>The "raw" type of bytecode files: r1 points to a memory region of r2 bytes; no context fields.</summary>
    public static ProgramRules Raw { get; } = new("raw", ProgramTypeId.Unspecified, [.. TracingHelpers],
        (_, _, _) => ContextAccess.Refused("the raw type's memory region is accessed through r1 after a length check on r2, not as a context"))
    { IsRaw = true, PacketRead = true, PacketWrite = true };

    /// <summary>A context access as the descriptor allows it (the kernel's <c>*_is_valid_access</c>), with a reason when refused.</summary>
    private static Func<int, int, bool, ContextAccess> Fields(ProgramType type, AttachTypeId? attach) =>
        (offset, width, write) =>
        {
            if (type.FindAccess(offset, width, write, attach) is { } field)
            {
                return field.Kind switch
                {
                    ContextFieldKind.Scalar => new ContextAccess(RegisterKind.Scalar, null),
                    ContextFieldKind.PacketStart => new ContextAccess(RegisterKind.Packet, null),
                    ContextFieldKind.PacketEnd => new ContextAccess(RegisterKind.PacketEnd, null),
                    ContextFieldKind.PacketMeta => new ContextAccess(RegisterKind.PacketMeta, null),
                    _ => ContextAccess.Refused($"the {type.Name} context field {field.Name} holds a socket pointer, which this verifier does not model yet"),
                };
            }
            // Refused: say why as precisely as the descriptor allows.
            var covering = type.Fields.FirstOrDefault(f => offset >= f.Offset && offset + width <= f.End);
            if (covering is null)
                return ContextAccess.Refused($"invalid bpf_context access off={offset} size={width}: no {type.Name} context field covers these bytes");
            if (write && !covering.Writable)
                return ContextAccess.Refused($"the {type.Name} context field {covering.Name} is read-only", RejectionReason.ReadOnlyContextField);
            if (covering.AttachTypes is not null && (attach is not { } a || !covering.AttachTypes.Contains(a)))
                return ContextAccess.Refused($"the {type.Name} context field {covering.Name} is only readable for attach types {string.Join(", ", covering.AttachTypes)}");
            if (offset % width != 0) return ContextAccess.Refused($"misaligned context access off={offset} size={width}");
            return ContextAccess.Refused(
                $"invalid bpf_context access off={offset} size={width}: {covering.Name} is {covering.Size} bytes at offset {covering.Offset} and takes {(write ? "stores" : "loads")} of {Widths(write ? covering.WriteSizes : covering.ReadSizes)} bytes{(covering.IsPointer ? " (a pointer: load it whole)" : "")}");
        };

    private static string Widths(AccessSizes sizes)
    {
        int[] widths = [.. new[] { 1, 2, 4, 8 }.Where(w => (sizes & (AccessSizes)w) != 0)];
        return widths.Length == 0 ? "no" : string.Join(" or ", widths);
    }
}
