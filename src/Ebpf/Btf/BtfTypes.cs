namespace Ebpf.Btf;

/// <summary>One BTF type: its id, name (empty when anonymous) and kind. Subclasses carry each kind's fields.</summary>
/// <param name="Id">The type id (1-based; 0 is <c>void</c>).</param>
/// <param name="Name">The name, or "" for an anonymous type.</param>
public abstract record BtfType(uint Id, string Name)
{
    /// <summary>The BTF kind.</summary>
    public abstract BtfKind Kind { get; }
}

/// <summary><c>void</c>, type id 0.</summary>
public sealed record BtfVoid() : BtfType(0, "void")
{
    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.Void;
}

/// <summary>How an integer is encoded (<c>BTF_INT_*</c> bits).</summary>
[Flags]
public enum BtfIntEncoding : byte
{
    /// <summary>Unsigned.</summary>
    None = 0,
    /// <summary>BTF_INT_SIGNED.</summary>
    Signed = 1,
    /// <summary>BTF_INT_CHAR.</summary>
    Char = 2,
    /// <summary>BTF_INT_BOOL.</summary>
    Bool = 4,
}

/// <summary>An integer of <paramref name="Size"/> bytes, of which <paramref name="Bits"/> bits starting at <paramref name="BitOffset"/> are used.</summary>
public sealed record BtfInt(uint Id, string Name, uint Size, BtfIntEncoding Encoding, byte BitOffset, byte Bits) : BtfType(Id, Name)
{
    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.Int;
}

/// <summary>A floating-point number of <paramref name="Size"/> bytes.</summary>
public sealed record BtfFloat(uint Id, string Name, uint Size) : BtfType(Id, Name)
{
    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.Float;
}

/// <summary>A type that refers to one other type: pointer, typedef, qualifier or type tag.</summary>
public sealed record BtfReference(uint Id, string Name, BtfKind ReferenceKind, uint TargetId) : BtfType(Id, Name)
{
    /// <inheritdoc />
    public override BtfKind Kind => ReferenceKind;

    /// <summary>Whether this is a qualifier (const, volatile, restrict) or type tag, which leave the layout unchanged.</summary>
    public bool IsQualifier => ReferenceKind is BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.TypeTag;
}

/// <summary>An array of <paramref name="ElementCount"/> elements of type <paramref name="ElementTypeId"/>.</summary>
public sealed record BtfArray(uint Id, uint ElementTypeId, uint IndexTypeId, uint ElementCount) : BtfType(Id, "")
{
    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.Array;
}

/// <summary>One member of a struct or union.</summary>
/// <param name="Name">The member's name ("" for an anonymous member).</param>
/// <param name="TypeId">The member's type.</param>
/// <param name="BitOffset">The offset from the start of the struct, in bits.</param>
/// <param name="BitfieldSize">The size of a bitfield in bits, 0 when the member is not a bitfield.</param>
public sealed record BtfMember(string Name, uint TypeId, uint BitOffset, byte BitfieldSize);

/// <summary>A struct or union of <paramref name="Size"/> bytes.</summary>
public sealed record BtfComposite(uint Id, string Name, bool IsUnion, uint Size, IReadOnlyList<BtfMember> Members) : BtfType(Id, Name)
{
    /// <inheritdoc />
    public override BtfKind Kind => IsUnion ? BtfKind.Union : BtfKind.Struct;

    /// <summary>The member with the given name, or null.</summary>
    public BtfMember? FindMember(string name) => Members.FirstOrDefault(m => m.Name == name);
}

/// <summary>One named value of an enumeration.</summary>
public sealed record BtfEnumValue(string Name, long Value);

/// <summary>An enumeration (ENUM or ENUM64) of <paramref name="Size"/> bytes.</summary>
public sealed record BtfEnum(uint Id, string Name, bool Is64, uint Size, bool IsSigned, IReadOnlyList<BtfEnumValue> Values) : BtfType(Id, Name)
{
    /// <inheritdoc />
    public override BtfKind Kind => Is64 ? BtfKind.Enum64 : BtfKind.Enum;
}

/// <summary>A forward declaration of a struct or union.</summary>
public sealed record BtfForward(uint Id, string Name, bool IsUnion) : BtfType(Id, Name)
{
    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.Forward;
}

/// <summary>The linkage of a function or variable (<c>BTF_FUNC_*</c>, <c>BTF_VAR_*</c>).</summary>
public enum BtfLinkage : uint
{
    /// <summary>Static.</summary>
    Static = 0,
    /// <summary>Global.</summary>
    Global = 1,
    /// <summary>Extern.</summary>
    Extern = 2,
}

/// <summary>A function: name, linkage and prototype.</summary>
public sealed record BtfFunction(uint Id, string Name, BtfLinkage Linkage, uint PrototypeId) : BtfType(Id, Name)
{
    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.Function;
}

/// <summary>One parameter of a function prototype ("" name for an unnamed one; type 0 with no name for <c>...</c>).</summary>
public sealed record BtfParameter(string Name, uint TypeId);

/// <summary>A function prototype: return type and parameters.</summary>
public sealed record BtfFunctionPrototype(uint Id, uint ReturnTypeId, IReadOnlyList<BtfParameter> Parameters) : BtfType(Id, "")
{
    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.FunctionPrototype;
}

/// <summary>A variable of type <paramref name="TypeId"/>.</summary>
public sealed record BtfVariable(uint Id, string Name, uint TypeId, BtfLinkage Linkage) : BtfType(Id, Name)
{
    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.Variable;
}

/// <summary>One variable of a data section: the VAR type, its offset in the section and its size.</summary>
public sealed record BtfSectionVariable(uint VariableId, uint Offset, uint Size);

/// <summary>The variables of one ELF section (<c>.data</c>, <c>.maps</c>, …) and the section's size.</summary>
public sealed record BtfDataSection(uint Id, string Name, uint Size, IReadOnlyList<BtfSectionVariable> Variables) : BtfType(Id, Name)
{
    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.DataSection;
}

/// <summary>A tag on a declaration: the type or variable <paramref name="TargetId"/>, or its member or parameter <paramref name="ComponentIndex"/> (-1 for the whole).</summary>
public sealed record BtfDeclarationTag(uint Id, string Name, uint TargetId, int ComponentIndex) : BtfType(Id, Name)
{
    /// <inheritdoc />
    public override BtfKind Kind => BtfKind.DeclarationTag;
}
