namespace Ebpf.Btf;

/// <summary>A <c>bpf_func_info</c> record: the function (BTF FUNC type) that starts at an instruction.</summary>
/// <param name="InstructionIndex">The instruction slot where the function starts.</param>
/// <param name="TypeId">The id of the BTF FUNC type.</param>
public sealed record BtfFunctionInfo(int InstructionIndex, uint TypeId);

/// <summary>A <c>bpf_line_info</c> record: the source line an instruction came from.</summary>
/// <param name="InstructionIndex">The instruction slot.</param>
/// <param name="FileName">The source file name.</param>
/// <param name="LineText">The text of the source line ("" when clang did not record it).</param>
/// <param name="Line">The 1-based line number.</param>
/// <param name="Column">The 1-based column (0 when unknown).</param>
public sealed record BtfLineInfo(int InstructionIndex, string FileName, string LineText, uint Line, uint Column);

/// <summary>The kind of a CO-RE relocation (<c>enum bpf_core_relo_kind</c>).</summary>
public enum BtfCoreRelocationKind : uint
{
    /// <summary>BPF_CORE_FIELD_BYTE_OFFSET.</summary>
    FieldByteOffset = 0,
    /// <summary>BPF_CORE_FIELD_BYTE_SIZE.</summary>
    FieldByteSize = 1,
    /// <summary>BPF_CORE_FIELD_EXISTS.</summary>
    FieldExists = 2,
    /// <summary>BPF_CORE_FIELD_SIGNED.</summary>
    FieldSigned = 3,
    /// <summary>BPF_CORE_FIELD_LSHIFT_U64.</summary>
    FieldLeftShift = 4,
    /// <summary>BPF_CORE_FIELD_RSHIFT_U64.</summary>
    FieldRightShift = 5,
    /// <summary>BPF_CORE_TYPE_ID_LOCAL.</summary>
    TypeIdLocal = 6,
    /// <summary>BPF_CORE_TYPE_ID_TARGET.</summary>
    TypeIdTarget = 7,
    /// <summary>BPF_CORE_TYPE_EXISTS.</summary>
    TypeExists = 8,
    /// <summary>BPF_CORE_TYPE_SIZE.</summary>
    TypeSize = 9,
    /// <summary>BPF_CORE_ENUMVAL_EXISTS.</summary>
    EnumValueExists = 10,
    /// <summary>BPF_CORE_ENUMVAL_VALUE.</summary>
    EnumValue = 11,
    /// <summary>BPF_CORE_TYPE_MATCHES.</summary>
    TypeMatches = 12,
}

/// <summary>A <c>bpf_core_relo</c> record, kept as data: applying it needs the target kernel's BTF.</summary>
/// <param name="InstructionIndex">The instruction slot to patch.</param>
/// <param name="TypeId">The local root type.</param>
/// <param name="AccessString">The access specification, e.g. <c>0:1:2</c>.</param>
/// <param name="Kind">What the relocation computes.</param>
public sealed record BtfCoreRelocation(int InstructionIndex, uint TypeId, string AccessString, BtfCoreRelocationKind Kind);
