namespace Ebpf.Verifier;

/// <summary>
/// The abstract value of one register (or spilled stack slot): its kind, and for pointers the fixed offset, the variable
/// offset (<see cref="Bounds"/>), the map, the proven packet range, the id shared by copies (null checks and packet
/// checks apply to every copy) and the reference it holds.
/// </summary>
internal readonly record struct RegisterState
{
    public RegisterKind Kind { get; init; }

    /// <summary>For scalars the value; for pointers the variable part of the offset.</summary>
    public ScalarBounds Bounds { get; init; }

    /// <summary>The constant part of a pointer's offset.</summary>
    public int Offset { get; init; }

    /// <summary>Copies of one value share an id: a null check or packet range check then applies to all of them.</summary>
    public int Id { get; init; }

    /// <summary>The acquired reference (ring-buffer record) this pointer holds, or 0.</summary>
    public int ReferenceId { get; init; }

    /// <summary>For map pointers and map values, the map's index in the program's map table; for functions, the target instruction.</summary>
    public int MapIndex { get; init; }

    /// <summary>Packet pointers: bytes from the pointer's base (offset 0 of its variable part) proven inside the packet.</summary>
    public int Range { get; init; }

    /// <summary>Stack pointers: the frame (0 = main program); memory records: their size in bytes.</summary>
    public int Frame { get; init; }

    public static RegisterState NotInitialized => default;

    public static RegisterState UnknownScalar => new() { Kind = RegisterKind.Scalar, Bounds = ScalarBounds.Unknown };

    public static RegisterState Scalar(ScalarBounds bounds) => new() { Kind = RegisterKind.Scalar, Bounds = bounds };

    public static RegisterState Constant(ulong value) => Scalar(ScalarBounds.Constant(value));

    public static RegisterState Pointer(RegisterKind kind, int offset = 0) =>
        new() { Kind = kind, Bounds = ScalarBounds.Constant(0), Offset = offset };

    public bool IsScalar => Kind == RegisterKind.Scalar;

    public bool IsPointer => Kind is not (RegisterKind.Scalar or RegisterKind.NotInitialized);

    public bool IsNullable => Kind is RegisterKind.MapValueOrNull or RegisterKind.RingBufferRecordOrNull or RegisterKind.MapPointerOrNull;

    public bool IsPacketLike => Kind is RegisterKind.Packet or RegisterKind.PacketMeta;

    public bool HasConstantOffset => Bounds.IsConstant;

    /// <summary>The kernel's name for the kind, as its log prints it.</summary>
    public static string KindName(RegisterKind kind) => kind switch
    {
        RegisterKind.NotInitialized => "not initialised",
        RegisterKind.Scalar => "scalar",
        RegisterKind.Context => "ctx",
        RegisterKind.Stack => "fp",
        RegisterKind.Packet => "pkt",
        RegisterKind.PacketEnd => "pkt_end",
        RegisterKind.PacketMeta => "pkt_meta",
        RegisterKind.MapValue => "map_value",
        RegisterKind.MapValueOrNull => "map_value_or_null",
        RegisterKind.MapPointer => "map_ptr",
        RegisterKind.MapPointerOrNull => "map_ptr_or_null",
        RegisterKind.RingBufferRecord => "ringbuf_mem",
        RegisterKind.RingBufferRecordOrNull => "ringbuf_mem_or_null",
        RegisterKind.Function => "func",
        RegisterKind.MapKey => "map_key",
        _ => kind.ToString(),
    };

    /// <summary>Whether every concrete value <paramref name="current"/> may hold is covered by this (older) state: the pruning test.</summary>
    /// <param name="current">The new path's value.</param>
    /// <param name="ids">The correspondence of ids built over the whole comparison.</param>
    /// <param name="exact">False when no later decision depends on a number's value (<see cref="PrecisionNeeds"/>): any number then covers any number.</param>
    public bool Covers(in RegisterState current, IdMap ids, bool exact = true)
    {
        if (Kind == RegisterKind.NotInitialized) return true;
        if (Kind != current.Kind) return false;
        if (Kind == RegisterKind.Scalar)
        {
            if (!exact) return true;
            // A copy linked to others (a shared id) is refined with them; the new value must be linked the same way.
            if (Id != 0 && !Bounds.IsConstant && !ids.Maps(Id, current.Id)) return false;
            return Bounds.Includes(current.Bounds);
        }
        if (Offset != current.Offset || MapIndex != current.MapIndex || Frame != current.Frame) return false;
        if (!Bounds.Includes(current.Bounds)) return false;
        if (IsPacketLike && Range > current.Range) return false;
        // Ids must correspond one to one for null checks and packet checks to stay valid.
        if ((IsNullable || IsPacketLike) && !ids.Maps(Id, current.Id)) return false;
        return ReferenceId == current.ReferenceId;
    }

    public override string ToString()
    {
        if (Kind == RegisterKind.NotInitialized) return "?";
        if (Kind == RegisterKind.Scalar) return Bounds.IsConstant ? $"{(long)Bounds.ConstantValue}" : $"scalar({Bounds})";
        var parts = new List<string>();
        if (Offset != 0) parts.Add($"off={Offset}");
        if (!Bounds.IsConstant) parts.Add(Bounds.ToString());
        else if (Bounds.ConstantValue != 0) parts.Add($"var={(long)Bounds.ConstantValue}");
        if (IsPacketLike) parts.Add($"r={Range}");
        if (Kind is RegisterKind.MapKey or RegisterKind.MapValue or RegisterKind.MapValueOrNull or RegisterKind.MapPointer or RegisterKind.MapPointerOrNull) parts.Add($"map={MapIndex}");
        if (Kind is RegisterKind.RingBufferRecord or RegisterKind.RingBufferRecordOrNull) parts.Add($"size={Frame},ref={ReferenceId}");
        if (Id != 0 && (IsNullable || IsPacketLike)) parts.Add($"id={Id}");
        return parts.Count == 0 ? KindName(Kind) : $"{KindName(Kind)}({string.Join(",", parts)})";
    }
}
