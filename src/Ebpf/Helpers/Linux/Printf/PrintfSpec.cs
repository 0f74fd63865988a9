namespace Ebpf.Helpers.Linux.Printf;

/// <summary>The printf flags the kernel's BPF printf accepts (<c>-</c>, <c>+</c>, space, <c>0</c>).</summary>
[Flags]
internal enum PrintfFlags
{
    None = 0,
    Left = 1,
    Plus = 2,
    Space = 4,
    ZeroPad = 8,
}

/// <summary>What a conversion prints, once its argument is captured.</summary>
internal enum PrintfKind
{
    /// <summary><c>%d %i</c> (and <c>l</c>, <c>ll</c>).</summary>
    Signed,
    /// <summary><c>%u</c>.</summary>
    Unsigned,
    /// <summary><c>%x</c>.</summary>
    HexLower,
    /// <summary><c>%X</c>.</summary>
    HexUpper,
    /// <summary><c>%c</c>.</summary>
    Char,
    /// <summary><c>%s</c>: the string copied when the helper ran, padded to the width.</summary>
    String,
    /// <summary><c>%pks %pus %pI4 %pi4 %pI6 %pi6 %pB</c>: text made when the helper ran, copied without padding.</summary>
    Prerendered,
    /// <summary><c>%px</c>: the raw pointer.</summary>
    RawPointer,
    /// <summary><c>%p</c>, <c>%pK</c>: the pointer hashed, as the kernel prints it so as not to leak addresses.</summary>
    HashedPointer,
    /// <summary><c>%ps %pS</c>: the symbol at the address; there are no kernel symbols here, so <c>0x…</c>.</summary>
    Symbol,
}

/// <summary>One conversion of a format string: where it sits, how it prints, and its captured argument.</summary>
/// <param name="Start">The index of its <c>%</c>.</param>
/// <param name="End">The index after the last format character the printer consumes (after <c>%p…</c>, all letters and digits).</param>
/// <param name="Kind">What it prints.</param>
/// <param name="Flags">Its flags.</param>
/// <param name="Width">Its field width, or -1.</param>
/// <param name="Bits">For numbers: 32 or 64.</param>
/// <param name="Value">The argument (number, character, pointer).</param>
/// <param name="Text">For strings and pre-rendered text: the bytes, without NUL.</param>
internal sealed record PrintfSpec(int Start, int End, PrintfKind Kind, PrintfFlags Flags, int Width, int Bits, ulong Value, byte[]? Text);
