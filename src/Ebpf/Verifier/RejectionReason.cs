namespace Ebpf.Verifier;

/// <summary>Why the verifier rejected a program: one named reason per kind of defect.</summary>
public enum RejectionReason
{
    /// <summary>Accepted: no reason.</summary>
    None,
    /// <summary>The encoding is invalid (unknown opcode, jump outside the program, write to r10, …).</summary>
    MalformedProgram,
    /// <summary>An instruction no path reaches.</summary>
    UnreachableInstruction,
    /// <summary>A jump leaves its function, or a function does not end in exit or jump.</summary>
    InvalidControlFlow,
    /// <summary>A register is read before any write on this path.</summary>
    UninitializedRegister,
    /// <summary>A load or store through something that is not a pointer to memory (a number, pkt_end, a map).</summary>
    InvalidMemoryAccess,
    /// <summary>A pointer that may be null is used before the null check.</summary>
    PossiblyNullPointer,
    /// <summary>An access outside a map value, ring-buffer record or other sized memory.</summary>
    OutOfBounds,
    /// <summary>A packet access not proven inside the packet by a comparison with data_end.</summary>
    PacketOutOfRange,
    /// <summary>Direct packet access where the program type has none, or a write where it is read-only.</summary>
    PacketAccessNotAllowed,
    /// <summary>An access of the context outside its fields, of the wrong size, or through a modified context pointer.</summary>
    InvalidContextAccess,
    /// <summary>A store to a read-only context field.</summary>
    ReadOnlyContextField,
    /// <summary>An access outside the 512-byte stack frame.</summary>
    StackOutOfBounds,
    /// <summary>A read of stack bytes never written (unprivileged), or helper memory not initialised.</summary>
    UninitializedStack,
    /// <summary>A spilled pointer read back with another size, or a pointer spilled partially.</summary>
    InvalidSpill,
    /// <summary>A misaligned access where the kernel requires alignment (the stack).</summary>
    MisalignedAccess,
    /// <summary>Arithmetic the kernel forbids on pointers (32-bit, bitwise, on nullable pointers or pkt_end, pointer plus pointer).</summary>
    ProhibitedPointerArithmetic,
    /// <summary>A variable offset that may be negative or is unbounded.</summary>
    UnboundedOffset,
    /// <summary>A comparison of pointers an unprivileged program may not make.</summary>
    PointerComparison,
    /// <summary>A pointer stored where an unprivileged program may not leak it (map, context, packet, return value).</summary>
    PointerLeak,
    /// <summary>A helper id with no known prototype.</summary>
    UnknownHelper,
    /// <summary>A helper the program type may not call, or a GPL-only helper in a non-GPL program.</summary>
    HelperNotAllowed,
    /// <summary>A helper argument of the wrong kind.</summary>
    HelperArgument,
    /// <summary>A helper memory argument not proven readable or writable for its size.</summary>
    HelperMemoryArgument,
    /// <summary>A reference (ring-buffer record) not released on every path.</summary>
    UnreleasedReference,
    /// <summary>A release of something that is not an acquired reference.</summary>
    InvalidRelease,
    /// <summary>A return value outside the program type's range, or not initialised.</summary>
    InvalidReturnValue,
    /// <summary>A loop the verifier proves never ends.</summary>
    InfiniteLoop,
    /// <summary>More than the instruction budget processed (the kernel's one million).</summary>
    TooComplex,
    /// <summary>The frames of a call chain need more than 512 bytes of stack, or calls nest more than 8 deep.</summary>
    StackTooDeep,
    /// <summary>A <c>lddw</c> naming a map or function that does not exist, or a pseudo source the verifier does not support.</summary>
    InvalidLoad,
    /// <summary>A call the verifier does not support (callx, kfuncs) or to a non-function.</summary>
    InvalidCall,
    /// <summary>An atomic operation on memory that does not allow it.</summary>
    InvalidAtomic,
    /// <summary>A program type whose context and rules the verifier does not model yet.</summary>
    UnsupportedProgramType,
}
