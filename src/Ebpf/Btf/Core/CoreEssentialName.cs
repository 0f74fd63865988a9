namespace Ebpf.Btf.Core;

/// <summary>
/// The "essential" name of a type, field or enumerator: the name without a <c>___flavour</c> suffix, so that
/// <c>task_struct___old</c> and <c>task_struct</c> are candidates for each other (libbpf's rule).
/// </summary>
internal static class CoreEssentialName
{
    /// <summary>The name up to its last flavour separator (three underscores between two other characters), or the whole name.</summary>
    public static string Of(string name)
    {
        for (int i = name.Length - 5; i >= 0; i--)
        {
            if (name[i] != '_' && name[i + 1] == '_' && name[i + 2] == '_' && name[i + 3] == '_' && name[i + 4] != '_')
                return name[..(i + 1)];
        }
        return name;
    }

    /// <summary>Whether two names are equal once their flavours are dropped.</summary>
    public static bool Equal(string local, string target) => string.Equals(Of(local), Of(target), StringComparison.Ordinal);
}
