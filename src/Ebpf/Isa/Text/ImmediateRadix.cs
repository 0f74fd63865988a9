namespace Ebpf.Isa.Text;

/// <summary>How the disassembler writes immediates, offsets and jump distances.</summary>
public enum ImmediateRadix
{
    /// <summary>Decimal, as LLVM 14's <c>llvm-objdump</c> prints them: <c>r1 += 5</c>, <c>r0 = *(u32 *)(r6 + 4)</c>.</summary>
    Decimal,

    /// <summary>Hexadecimal, as LLVM 19's <c>llvm-objdump</c> prints them: <c>r1 += 0x5</c>, <c>r0 = *(u32 *)(r6 + 0x4)</c>.</summary>
    Hexadecimal,
}
