namespace Ebpf.Isa.Text;

/// <summary>The kinds of token in one line of assembly.</summary>
internal enum TokenKind
{
    /// <summary>A word: mnemonic, register, label or keyword (<c>goto</c>, <c>r1</c>, <c>u32</c>, <c>.quad</c>).</summary>
    Identifier,
    /// <summary>An unsigned decimal or <c>0x</c> hexadecimal number; a sign is a separate operator token.</summary>
    Number,
    /// <summary>Punctuation or an operator (<c>+=</c>, <c>s&gt;&gt;=</c>, <c>(</c>, <c>:</c>).</summary>
    Operator,
    /// <summary>The end of the line (or the start of a comment).</summary>
    End,
}

/// <summary>One token of a line of assembly.</summary>
/// <param name="Kind">What sort of token it is.</param>
/// <param name="Text">The characters of the token as written (empty for <see cref="TokenKind.End"/>).</param>
/// <param name="Column">The 1-based column of its first character.</param>
/// <param name="Value">The value of a <see cref="TokenKind.Number"/>; zero otherwise.</param>
internal readonly record struct Token(TokenKind Kind, string Text, int Column, ulong Value = 0)
{
    /// <summary>Whether this is the operator <paramref name="text"/>.</summary>
    public bool IsOperator(string text) => Kind == TokenKind.Operator && Text == text;

    /// <summary>Whether this is the word <paramref name="text"/>.</summary>
    public bool IsIdentifier(string text) => Kind == TokenKind.Identifier && Text == text;

    /// <summary>The token as an error message quotes it.</summary>
    public string Describe() => Kind == TokenKind.End ? "the end of the line" : $"'{Text}'";
}
