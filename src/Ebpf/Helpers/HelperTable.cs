namespace Ebpf.Helpers;

/// <summary>
/// The helpers a program may call, by id. Hosts register their own helpers next to the Linux ones; this is how a
/// .NET application offers functions to eBPF extensions.
/// </summary>
public sealed class HelperTable
{
    private readonly Dictionary<int, HelperDescriptor> _byId = new();

    /// <summary>A table with no helpers.</summary>
    public HelperTable() { }

    /// <summary>A table holding the given helpers.</summary>
    public HelperTable(IEnumerable<HelperDescriptor> helpers)
    {
        foreach (var helper in helpers) Register(helper);
    }

    /// <summary>The helpers of the Linux kernel implemented so far (see <see cref="LinuxHelpers"/>).</summary>
    public static HelperTable CreateLinux() => new(LinuxHelpers.All);

    /// <summary>Adds a helper, or replaces the one with the same id.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is negative.</exception>
    public HelperTable Register(HelperDescriptor helper)
    {
        ArgumentNullException.ThrowIfNull(helper);
        if (helper.Id < 0) throw new ArgumentOutOfRangeException(nameof(helper), helper.Id, "helper ids are not negative");
        _byId[helper.Id] = helper;
        return this;
    }

    /// <summary>Finds the helper with the given id.</summary>
    public bool TryGet(int id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HelperDescriptor? helper) =>
        _byId.TryGetValue(id, out helper);

    /// <summary>Every registered helper, by id.</summary>
    public IEnumerable<HelperDescriptor> All => _byId.Values.OrderBy(h => h.Id);
}
