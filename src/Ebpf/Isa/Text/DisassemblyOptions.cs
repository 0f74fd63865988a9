namespace Ebpf.Isa.Text;

/// <summary>Choices that change how the <see cref="Disassembler"/> writes instructions.</summary>
public sealed record DisassemblyOptions
{
    /// <summary>The defaults: decimal numbers like LLVM 14, and calls written exactly as LLVM writes them.</summary>
    public static DisassemblyOptions Default { get; } = new();

    /// <summary>The text of LLVM 14's <c>llvm-objdump -d</c>: decimal numbers.</summary>
    public static DisassemblyOptions Llvm14 { get; } = new() { Radix = ImmediateRadix.Decimal };

    /// <summary>The text of LLVM 19's <c>llvm-objdump -d</c>: hexadecimal numbers.</summary>
    public static DisassemblyOptions Llvm19 { get; } = new() { Radix = ImmediateRadix.Hexadecimal };

    /// <summary>The radix of immediates, offsets and jump distances. Decimal (LLVM 14 style) by default.</summary>
    public ImmediateRadix Radix { get; init; } = ImmediateRadix.Decimal;

    /// <summary>
    /// LLVM writes a helper call, a bpf-to-bpf call (source field 1) and a kernel function call (source field 2)
    /// all as <c>call N</c>, which loses the kind. When this is on, a local call is written <c>call pc+N</c> (or
    /// <c>call pc-N</c>) and a kernel function call <c>call kfunc(N)</c>, so that the text assembles back to the
    /// same bytes. Off by default, which matches LLVM exactly.
    /// </summary>
    public bool DistinguishCalls { get; init; }
}
