namespace Ebpf.Btf;

/// <summary>
/// The running kernel's own BTF, as <c>/sys/kernel/btf</c> exposes it: <c>vmlinux</c> (raw BTF, read once and kept)
/// and each module's split BTF on top of it. CO-RE relocations are resolved against these types.
/// </summary>
public static class KernelBtf
{
    /// <summary>Where the kernel exposes its BTF.</summary>
    public const string Directory = "/sys/kernel/btf";

    /// <summary>The path of the kernel's own BTF.</summary>
    public static readonly string VmlinuxPath = Path.Combine(Directory, "vmlinux");

    private static readonly Lazy<BtfSpec> LazyVmlinux = new(() => Load(VmlinuxPath), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Whether this kernel exposes its BTF (it needs CONFIG_DEBUG_INFO_BTF).</summary>
    public static bool IsAvailable => File.Exists(VmlinuxPath);

    /// <summary>The kernel's BTF, parsed on first use and cached for the life of the process.</summary>
    /// <exception cref="KernelBtfUnavailableException">The file is missing or unreadable.</exception>
    /// <exception cref="BtfFormatException">The file is not valid BTF.</exception>
    public static BtfSpec Vmlinux => LazyVmlinux.Value;

    /// <summary>Parses a raw BTF file (such as a copy of <c>/sys/kernel/btf/vmlinux</c> from another machine).</summary>
    /// <exception cref="KernelBtfUnavailableException">The file is missing or unreadable.</exception>
    /// <exception cref="BtfFormatException">The file is not valid BTF.</exception>
    public static BtfSpec Load(string path) => BtfSpec.Parse(ReadAll(path));

    /// <summary>The split BTF of a loaded kernel module (<c>/sys/kernel/btf/&lt;module&gt;</c>) on top of <see cref="Vmlinux"/>.</summary>
    /// <exception cref="KernelBtfUnavailableException">The module has no BTF here (not loaded, or built without BTF).</exception>
    /// <exception cref="BtfFormatException">The file is not valid split BTF.</exception>
    public static BtfSpec Module(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('/') || name == "vmlinux") throw new ArgumentException($"'{name}' is not a module name", nameof(name));
        return BtfSpec.ParseSplit(ReadAll(Path.Combine(Directory, name)), Vmlinux);
    }

    /// <summary>
    /// The split BTF of every loaded module with BTF, parsed on first enumeration (and again on each new enumeration,
    /// since modules come and go); none where the kernel exposes only vmlinux.
    /// </summary>
    public static IEnumerable<BtfSpec> Modules()
    {
        if (!System.IO.Directory.Exists(Directory)) yield break;
        foreach (string path in System.IO.Directory.GetFiles(Directory).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(path);
            if (name == "vmlinux") continue;
            yield return BtfSpec.ParseSplit(ReadAll(path), Vmlinux);
        }
    }

    private static byte[] ReadAll(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new KernelBtfUnavailableException(path, error);
        }
    }
}

/// <summary>The kernel's BTF (or a named BTF file) cannot be read; the message says which file and what to do.</summary>
public sealed class KernelBtfUnavailableException : EbpfException
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public KernelBtfUnavailableException(string path, Exception inner)
        : base($"cannot read BTF from {path}: {inner.Message} (the kernel needs CONFIG_DEBUG_INFO_BTF=y for " +
               "/sys/kernel/btf/vmlinux; otherwise pass the target kernel's BTF file explicitly)", inner)
    {
        Path = path;
    }

    /// <summary>The file that could not be read.</summary>
    public string Path { get; }
}
