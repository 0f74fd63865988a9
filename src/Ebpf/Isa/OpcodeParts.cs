namespace Ebpf.Isa;

/// <summary>The instruction class: the low three bits of every opcode (RFC 9669, section 3.3).</summary>
public enum InstructionClass : byte
{
    /// <summary>Non-standard load operations: <c>lddw</c> and the legacy packet loads.</summary>
    Ld = 0x00,
    /// <summary>Load into a register from memory.</summary>
    Ldx = 0x01,
    /// <summary>Store an immediate to memory.</summary>
    St = 0x02,
    /// <summary>Store a register to memory, and the atomic operations.</summary>
    Stx = 0x03,
    /// <summary>32-bit arithmetic.</summary>
    Alu = 0x04,
    /// <summary>64-bit jumps, calls and exit.</summary>
    Jmp = 0x05,
    /// <summary>32-bit jumps.</summary>
    Jmp32 = 0x06,
    /// <summary>64-bit arithmetic.</summary>
    Alu64 = 0x07,
}

/// <summary>Where the second operand of an arithmetic or jump instruction comes from (bit 3 of the opcode).</summary>
public enum OperandSource : byte
{
    /// <summary>The 32-bit immediate (BPF_K).</summary>
    Immediate = 0x00,
    /// <summary>The source register (BPF_X).</summary>
    Register = 0x08,
}

/// <summary>Arithmetic operation codes: the high four bits of an ALU or ALU64 opcode.</summary>
public enum AluOperation : byte
{
    /// <summary><c>dst += src</c></summary>
    Add = 0x00,
    /// <summary><c>dst -= src</c></summary>
    Sub = 0x10,
    /// <summary><c>dst *= src</c></summary>
    Mul = 0x20,
    /// <summary><c>dst /= src</c>; signed when the offset is 1.</summary>
    Div = 0x30,
    /// <summary><c>dst |= src</c></summary>
    Or = 0x40,
    /// <summary><c>dst &amp;= src</c></summary>
    And = 0x50,
    /// <summary><c>dst &lt;&lt;= src</c></summary>
    Lsh = 0x60,
    /// <summary><c>dst &gt;&gt;= src</c> (logical)</summary>
    Rsh = 0x70,
    /// <summary><c>dst = -dst</c></summary>
    Neg = 0x80,
    /// <summary><c>dst %= src</c>; signed when the offset is 1.</summary>
    Mod = 0x90,
    /// <summary><c>dst ^= src</c></summary>
    Xor = 0xa0,
    /// <summary><c>dst = src</c>; sign-extending when the offset is 8, 16 or 32.</summary>
    Mov = 0xb0,
    /// <summary><c>dst &gt;&gt;= src</c> (arithmetic)</summary>
    Arsh = 0xc0,
    /// <summary>Byte swap: to/from little or big endian (ALU), or unconditional (ALU64).</summary>
    End = 0xd0,
}

/// <summary>Jump operation codes: the high four bits of a JMP or JMP32 opcode.</summary>
public enum JumpOperation : byte
{
    /// <summary>Unconditional jump (<c>goto</c>; <c>gotol</c> in the JMP32 class).</summary>
    Ja = 0x00,
    /// <summary>Jump if equal.</summary>
    Jeq = 0x10,
    /// <summary>Jump if greater, unsigned.</summary>
    Jgt = 0x20,
    /// <summary>Jump if greater or equal, unsigned.</summary>
    Jge = 0x30,
    /// <summary>Jump if <c>dst &amp; src</c> is not zero.</summary>
    Jset = 0x40,
    /// <summary>Jump if not equal.</summary>
    Jne = 0x50,
    /// <summary>Jump if greater, signed.</summary>
    Jsgt = 0x60,
    /// <summary>Jump if greater or equal, signed.</summary>
    Jsge = 0x70,
    /// <summary>Call a helper, a local function or a kernel function.</summary>
    Call = 0x80,
    /// <summary>Return from the current function.</summary>
    Exit = 0x90,
    /// <summary>Jump if less, unsigned.</summary>
    Jlt = 0xa0,
    /// <summary>Jump if less or equal, unsigned.</summary>
    Jle = 0xb0,
    /// <summary>Jump if less, signed.</summary>
    Jslt = 0xc0,
    /// <summary>Jump if less or equal, signed.</summary>
    Jsle = 0xd0,
}

/// <summary>The access width of a load or store: bits 3 and 4 of the opcode.</summary>
public enum AccessSize : byte
{
    /// <summary>Four bytes (BPF_W).</summary>
    Word = 0x00,
    /// <summary>Two bytes (BPF_H).</summary>
    HalfWord = 0x08,
    /// <summary>One byte (BPF_B).</summary>
    Byte = 0x10,
    /// <summary>Eight bytes (BPF_DW).</summary>
    DoubleWord = 0x18,
}

/// <summary>The addressing mode of a load or store: the high three bits of the opcode.</summary>
public enum AccessMode : byte
{
    /// <summary>64-bit immediate (only <c>lddw</c>).</summary>
    Immediate = 0x00,
    /// <summary>Legacy packet load at an absolute offset.</summary>
    Absolute = 0x20,
    /// <summary>Legacy packet load at a register plus offset.</summary>
    Indirect = 0x40,
    /// <summary>Regular memory access.</summary>
    Memory = 0x60,
    /// <summary>Sign-extending memory load.</summary>
    MemorySignExtend = 0x80,
    /// <summary>Atomic read-modify-write.</summary>
    Atomic = 0xc0,
}

/// <summary>Atomic operations, encoded in the immediate of an atomic store (RFC 9669, section 5.3).</summary>
public enum AtomicOperation
{
    /// <summary><c>lock *(dst + off) += src</c></summary>
    Add = 0x00,
    /// <summary><c>lock *(dst + off) |= src</c></summary>
    Or = 0x40,
    /// <summary><c>lock *(dst + off) &amp;= src</c></summary>
    And = 0x50,
    /// <summary><c>lock *(dst + off) ^= src</c></summary>
    Xor = 0xa0,
    /// <summary><c>src = atomic_fetch_add(dst + off, src)</c></summary>
    FetchAdd = 0x01,
    /// <summary><c>src = atomic_fetch_or(dst + off, src)</c></summary>
    FetchOr = 0x41,
    /// <summary><c>src = atomic_fetch_and(dst + off, src)</c></summary>
    FetchAnd = 0x51,
    /// <summary><c>src = atomic_fetch_xor(dst + off, src)</c></summary>
    FetchXor = 0xa1,
    /// <summary><c>src = xchg(dst + off, src)</c></summary>
    Exchange = 0xe1,
    /// <summary><c>r0 = cmpxchg(dst + off, r0, src)</c></summary>
    CompareExchange = 0xf1,
}

/// <summary>The meaning of the source register field of a <c>lddw</c> (RFC 9669, section 5.4).</summary>
public enum LddwSource : byte
{
    /// <summary>A plain 64-bit immediate.</summary>
    Immediate = 0,
    /// <summary>The address of the map whose file descriptor is the immediate (BPF_PSEUDO_MAP_FD).</summary>
    MapByFd = 1,
    /// <summary>The address of a map's value plus an offset (BPF_PSEUDO_MAP_VALUE).</summary>
    MapValueByFd = 2,
    /// <summary>The address of a kernel variable named by BTF id (BPF_PSEUDO_BTF_ID).</summary>
    BtfVariable = 3,
    /// <summary>The address of a local function (BPF_PSEUDO_FUNC).</summary>
    Function = 4,
    /// <summary>The address of the map at an index of the program's map table (BPF_PSEUDO_MAP_IDX).</summary>
    MapByIndex = 5,
    /// <summary>The address of a value of the map at an index, plus an offset (BPF_PSEUDO_MAP_IDX_VALUE).</summary>
    MapValueByIndex = 6,
}

/// <summary>The kind of a <c>call</c> instruction, from its source register field.</summary>
public enum CallKind : byte
{
    /// <summary>A helper function, by its static id (src = 0).</summary>
    Helper = 0,
    /// <summary>A bpf-to-bpf call to a local function, by relative offset (src = 1, BPF_PSEUDO_CALL).</summary>
    Local = 1,
    /// <summary>A kernel function, by BTF id (src = 2, BPF_PSEUDO_KFUNC_CALL).</summary>
    KernelFunction = 2,
}
