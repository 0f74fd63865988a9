using System.Globalization;

namespace Ebpf.Isa.Text;

/// <summary>Splits one line of assembly into tokens, dropping comments (<c>#</c>, <c>//</c> and <c>;</c> to the end of the line).</summary>
internal static class Lexer
{
    // Longest first, so that "<<=" wins over "<" and "<=".
    private static readonly string[] Operators =
    [
        "<<=", ">>=", "+=", "-=", "*=", "/=", "|=", "&=", "%=", "^=", "==", "!=", ">=", "<=",
        ">", "<", "=", "&", "+", "-", "*", "(", ")", "[", "]", ",", ":",
    ];

    // The signed operators are written with a leading 's' glued to the operator: "s>>=", "s/=", "s<".
    private static readonly string[] SignedOperators = ["s>>=", "s/=", "s%=", "s>=", "s<=", "s>", "s<"];

    /// <summary>The tokens of <paramref name="line"/>, always ending with one <see cref="TokenKind.End"/> token.</summary>
    /// <exception cref="AssemblerException">A character that starts no token, or a malformed number.</exception>
    public static List<Token> Tokenize(string line, int lineNumber)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (i < line.Length)
        {
            char c = line[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c is '#' or ';' || (c == '/' && At(line, i + 1) == '/')) break;

            if (c == 's' && MatchAny(line, i, SignedOperators) is { } signedOperator)
            {
                tokens.Add(new Token(TokenKind.Operator, signedOperator, i + 1));
                i += signedOperator.Length;
            }
            else if (char.IsAsciiLetter(c) || c is '_' or '.')
            {
                int start = i;
                while (i < line.Length && IsWordCharacter(line[i])) i++;
                tokens.Add(new Token(TokenKind.Identifier, line[start..i], start + 1));
            }
            else if (char.IsAsciiDigit(c))
            {
                int start = i;
                while (i < line.Length && IsWordCharacter(line[i])) i++;
                tokens.Add(ReadNumber(line[start..i], start + 1, lineNumber));
            }
            else if (MatchAny(line, i, Operators) is { } op)
            {
                tokens.Add(new Token(TokenKind.Operator, op, i + 1));
                i += op.Length;
            }
            else
            {
                throw new AssemblerException(lineNumber, i + 1, $"unexpected character '{c}'");
            }
        }
        tokens.Add(new Token(TokenKind.End, "", i + 1));
        return tokens;
    }

    private static Token ReadNumber(string text, int column, int lineNumber)
    {
        bool hex = text.Length > 2 && text[0] == '0' && text[1] is 'x' or 'X';
        string digits = hex ? text[2..] : text;
        var style = hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None;
        if (digits.Length > 0 && ulong.TryParse(digits, style, CultureInfo.InvariantCulture, out ulong value))
            return new Token(TokenKind.Number, text, column, value);
        bool wellFormed = digits.Length > 0 && digits.All(hex ? char.IsAsciiHexDigit : char.IsAsciiDigit);
        string reason = wellFormed
            ? $"the number '{text}' does not fit in 64 bits"
            : $"malformed number '{text}'; write decimal digits or 0x and hexadecimal digits";
        throw new AssemblerException(lineNumber, column, reason);
    }

    private static bool IsWordCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.';

    private static char At(string line, int index) => index < line.Length ? line[index] : '\0';

    private static string? MatchAny(string line, int index, string[] candidates)
    {
        foreach (string candidate in candidates)
            if (string.CompareOrdinal(line, index, candidate, 0, candidate.Length) == 0) return candidate;
        return null;
    }
}
