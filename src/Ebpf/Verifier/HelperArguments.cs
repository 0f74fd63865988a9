using Ebpf.Helpers;
using Ebpf.Helpers.Linux;

namespace Ebpf.Verifier;

/// <summary>The argument registers a helper call reads, from its prototype (all five when the helper is unknown).</summary>
internal static class HelperArguments
{
    /// <summary>The helpers of the program being verified (host helpers first), set for the duration of one layout build.</summary>
    [ThreadStatic] private static HelperTable? _hostHelpers;

    public static IDisposable Use(HelperTable? helpers)
    {
        var previous = _hostHelpers;
        _hostHelpers = helpers;
        return new Restore(previous);
    }

    public static ulong Mask(int helperId)
    {
        int count = Prototype(helperId)?.Arguments.Count ?? 5;
        return ((1UL << (count + 1)) - 1) & ~1UL;
    }

    /// <summary>Whether the helper calls back into the program (which may then read the caller's stack), or is unknown.</summary>
    public static bool MayCallBack(int helperId) =>
        Prototype(helperId) is not { } prototype || prototype.Arguments.Contains(HelperArgumentKind.Callback);

    private static HelperPrototype? Prototype(int helperId)
    {
        HelperPrototype? prototype = null;
        if (_hostHelpers is { } table && table.TryGet(helperId, out var descriptor)) prototype = descriptor.Prototype;
        return prototype ?? LinuxHelperPrototypes.Find(helperId);
    }

    private sealed class Restore(HelperTable? previous) : IDisposable
    {
        public void Dispose() => _hostHelpers = previous;
    }
}
