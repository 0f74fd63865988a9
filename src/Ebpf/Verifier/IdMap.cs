namespace Ebpf.Verifier;

/// <summary>
/// The correspondence of register ids between an older and a current state during one comparison (the kernel's
/// <c>check_ids</c>): ids are names that link copies of one value (packet pointers that share a range, nullable
/// pointers checked together, scalars refined together), so two states match when their ids correspond one to one,
/// whatever the numbers.
/// </summary>
internal sealed class IdMap
{
    private List<(int Old, int Current)>? _pairs;   // made on the first id: most comparisons meet none

    /// <summary>Whether <paramref name="old"/> may stand for <paramref name="current"/>; records the pair the first time.</summary>
    public bool Maps(int old, int current)
    {
        if ((old == 0) != (current == 0)) return false;
        // Zero is no id; negative ids are fixed names (the raw program's length) that only stand for themselves.
        if (old <= 0 || current < 0) return old == current;
        _pairs ??= [];
        foreach (var (o, c) in _pairs)
        {
            if (o == old) return c == current;
            if (c == current) return false;
        }
        _pairs.Add((old, current));
        return true;
    }
}
