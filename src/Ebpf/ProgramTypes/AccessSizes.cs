namespace Ebpf.ProgramTypes;

/// <summary>The access widths a context field allows, as a set (BPF_B, BPF_H, BPF_W, BPF_DW).</summary>
[Flags]
public enum AccessSizes
{
    /// <summary>No access.</summary>
    None = 0,
    /// <summary>1-byte access.</summary>
    Byte = 1,
    /// <summary>2-byte access.</summary>
    Half = 2,
    /// <summary>4-byte access.</summary>
    Word = 4,
    /// <summary>8-byte access.</summary>
    DoubleWord = 8,
}

/// <summary>Helpers for <see cref="AccessSizes"/>.</summary>
public static class AccessSizesExtensions
{
    /// <summary>The set holding exactly <paramref name="size"/> bytes (1, 2, 4 or 8).</summary>
    public static AccessSizes Exactly(int size) => size switch
    {
        1 => AccessSizes.Byte, 2 => AccessSizes.Half, 4 => AccessSizes.Word, 8 => AccessSizes.DoubleWord,
        _ => throw new ArgumentOutOfRangeException(nameof(size), size, "an access is 1, 2, 4 or 8 bytes"),
    };

    /// <summary>
    /// Every width up to <paramref name="size"/>: the kernel's narrow loads (<c>bpf_ctx_narrow_access_ok</c>), which
    /// read any naturally aligned part of a field.
    /// </summary>
    public static AccessSizes UpTo(int size)
    {
        var sizes = AccessSizes.None;
        for (int width = 1; width <= size && width <= 8; width *= 2) sizes |= Exactly(width);
        return sizes;
    }

    /// <summary>Whether the set holds <paramref name="size"/> bytes.</summary>
    public static bool Allows(this AccessSizes sizes, int size) =>
        size is 1 or 2 or 4 or 8 && (sizes & (AccessSizes)size) != 0;
}
