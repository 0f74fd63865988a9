namespace Ebpf.Linux.Kernel;

/// <summary>
/// The number of possible CPUs (<c>/sys/devices/system/cpu/possible</c>), which sizes the values of per-CPU maps as
/// the <c>bpf()</c> system call transfers them: one 8-byte-aligned slot per possible CPU.
/// </summary>
public static class PossibleCpus
{
    private const string ListPath = "/sys/devices/system/cpu/possible";
    private static readonly Lazy<int> CountValue = new(() => File.Exists(ListPath) ? Parse(File.ReadAllText(ListPath)) : Environment.ProcessorCount);

    /// <summary>How many CPUs are possible on this machine.</summary>
    public static int Count => CountValue.Value;

    /// <summary>
    /// The number of CPUs a kernel CPU list such as <c>0-3,8-11</c> names (8 there): the kernel copies one value per
    /// possible CPU (<c>for_each_possible_cpu</c>), so holes in the list do not count.
    /// </summary>
    /// <exception cref="FormatException">The text is not a CPU list.</exception>
    public static int Parse(string list)
    {
        int count = 0;
        foreach (var part in list.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var bounds = part.Split('-');
            if (bounds.Length is < 1 or > 2 || !bounds.All(b => int.TryParse(b, out _)) || int.Parse(bounds[^1]) < int.Parse(bounds[0]))
                throw new FormatException($"'{list.Trim()}' is not a CPU list such as 0-3,8-11");
            count += int.Parse(bounds[^1]) - int.Parse(bounds[0]) + 1;
        }
        if (count == 0) throw new FormatException($"'{list.Trim()}' names no CPU");
        return count;
    }
}
