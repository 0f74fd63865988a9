namespace Ebpf.ProgramTypes;

/// <summary>
/// The values a program may return, inclusive, as the kernel's verifier enforces them (<c>check_return_code</c>):
/// r0 must be a known scalar within [<see cref="Min"/>, <see cref="Max"/>] at every exit.
/// </summary>
/// <param name="Min">The least value allowed.</param>
/// <param name="Max">The greatest value allowed.</param>
public readonly record struct ReturnRange(long Min, long Max)
{
    /// <summary>[0, 1]: the verdict of cgroup and socket-operation programs (0 deny, 1 allow).</summary>
    public static ReturnRange Verdict => new(0, 1);

    /// <summary>Whether <paramref name="value"/> lies in the range.</summary>
    public bool Contains(long value) => value >= Min && value <= Max;

    /// <inheritdoc/>
    public override string ToString() => $"[{Min}, {Max}]";
}
