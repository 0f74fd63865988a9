namespace Ebpf.Linux.Syscalls;

/// <summary>The kernel's rules for program and map names (<c>bpf_obj_name_cpy</c>): at most 15 bytes of ASCII letters, digits, '_' and '.'.</summary>
internal static class ObjectNames
{
    /// <summary>Writes <paramref name="name"/> into the zeroed <paramref name="target"/>, truncated and with refused characters as '_'.</summary>
    public static void Write(string name, Span<byte> target)
    {
        int length = Math.Min(name.Length, target.Length - 1);
        for (int i = 0; i < length; i++)
        {
            char c = name[i];
            target[i] = char.IsAsciiLetterOrDigit(c) || c is '_' or '.' ? (byte)c : (byte)'_';
        }
    }

    /// <summary>Reads a zero-terminated name of at most <paramref name="source"/>'s length.</summary>
    public static string Read(ReadOnlySpan<byte> source)
    {
        int end = source.IndexOf((byte)0);
        return System.Text.Encoding.ASCII.GetString(end < 0 ? source : source[..end]);
    }
}
