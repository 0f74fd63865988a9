using Ebpf.Maps;
using Ebpf.ProgramTypes;

namespace Ebpf.TestRuns;

/// <summary>Reading ctx_in into a structure of fixed size, as the kernel's <c>bpf_ctx_init</c> does.</summary>
internal static class ContextBytes
{
    /// <summary>PAGE_SIZE: the kernel refuses a larger ctx_in outright (E2BIG).</summary>
    private const int MaxContextIn = 4096;

    /// <summary>
    /// A zeroed structure of <paramref name="size"/> bytes holding the first bytes of <paramref name="contextIn"/>; a
    /// longer ctx_in is accepted only when its extra bytes are zero (<c>bpf_check_uarg_tail_zero</c>), else E2BIG.
    /// </summary>
    public static byte[] Read(ProgramType type, byte[]? contextIn, int size)
    {
        var ctx = new byte[size];
        if (contextIn is null) return ctx;
        if (contextIn.Length > MaxContextIn)
            throw new TestRunException(Errno.E2BIG, $"ctx_in of a {type.Name} test run has {contextIn.Length} bytes; the kernel takes at most {MaxContextIn}");
        int extra = contextIn.AsSpan(Math.Min(size, contextIn.Length)).IndexOfAnyExcept((byte)0);
        if (extra >= 0)
            throw new TestRunException(Errno.E2BIG,
                $"ctx_in of a {type.Name} test run has a non-zero byte at {size + extra}, past the {size}-byte context; trim it to {size} bytes");
        contextIn.AsSpan(0, Math.Min(size, contextIn.Length)).CopyTo(ctx);
        return ctx;
    }
}
