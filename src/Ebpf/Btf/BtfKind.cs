namespace Ebpf.Btf;

/// <summary>The kind of a BTF type, with the <c>BTF_KIND_*</c> numbers of <c>linux/btf.h</c>.</summary>
public enum BtfKind : byte
{
    /// <summary>BTF_KIND_UNKN: type id 0, <c>void</c>.</summary>
    Void = 0,
    /// <summary>BTF_KIND_INT: an integer.</summary>
    Int = 1,
    /// <summary>BTF_KIND_PTR: a pointer.</summary>
    Pointer = 2,
    /// <summary>BTF_KIND_ARRAY: an array.</summary>
    Array = 3,
    /// <summary>BTF_KIND_STRUCT: a struct.</summary>
    Struct = 4,
    /// <summary>BTF_KIND_UNION: a union.</summary>
    Union = 5,
    /// <summary>BTF_KIND_ENUM: an enumeration of 32-bit values.</summary>
    Enum = 6,
    /// <summary>BTF_KIND_FWD: a forward declaration of a struct or union.</summary>
    Forward = 7,
    /// <summary>BTF_KIND_TYPEDEF: a typedef.</summary>
    Typedef = 8,
    /// <summary>BTF_KIND_VOLATILE: the volatile qualifier.</summary>
    Volatile = 9,
    /// <summary>BTF_KIND_CONST: the const qualifier.</summary>
    Const = 10,
    /// <summary>BTF_KIND_RESTRICT: the restrict qualifier.</summary>
    Restrict = 11,
    /// <summary>BTF_KIND_FUNC: a function (name, linkage, prototype).</summary>
    Function = 12,
    /// <summary>BTF_KIND_FUNC_PROTO: a function prototype.</summary>
    FunctionPrototype = 13,
    /// <summary>BTF_KIND_VAR: a variable.</summary>
    Variable = 14,
    /// <summary>BTF_KIND_DATASEC: the variables of one ELF section.</summary>
    DataSection = 15,
    /// <summary>BTF_KIND_FLOAT: a floating-point number.</summary>
    Float = 16,
    /// <summary>BTF_KIND_DECL_TAG: a tag on a declaration.</summary>
    DeclarationTag = 17,
    /// <summary>BTF_KIND_TYPE_TAG: a tag on a type.</summary>
    TypeTag = 18,
    /// <summary>BTF_KIND_ENUM64: an enumeration of 64-bit values.</summary>
    Enum64 = 19,
}
