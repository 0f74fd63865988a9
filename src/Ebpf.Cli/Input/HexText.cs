using System.Globalization;

namespace Ebpf.Cli.Input;

/// <summary>Parses hex text: bytes as pairs of hex digits, optionally separated by white space, commas or colons.</summary>
internal static class HexText
{
    /// <summary>Parses <paramref name="text"/>; <paramref name="what"/> names it in errors.</summary>
    /// <exception cref="UsageException">The text is not hex bytes.</exception>
    public static byte[] Parse(string text, string what)
    {
        var digits = new List<char>(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c) || c is ',' or ':') continue;
            if (c == '0' && i + 1 < text.Length && text[i + 1] is 'x' or 'X' && digits.Count % 2 == 0)
            {
                i++;
                continue;
            }
            if (!char.IsAsciiHexDigit(c))
                throw new UsageException($"{what}: '{c}' at position {i + 1} is not a hex digit; give bytes as hex pairs such as \"0a 1b ff\"");
            digits.Add(c);
        }
        if (digits.Count % 2 != 0)
            throw new UsageException($"{what}: {digits.Count} hex digits is an odd number; every byte needs two digits");
        var bytes = new byte[digits.Count / 2];
        for (int i = 0; i < bytes.Length; i++)
            bytes[i] = byte.Parse(new ReadOnlySpan<char>([digits[2 * i], digits[2 * i + 1]]), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return bytes;
    }
}
