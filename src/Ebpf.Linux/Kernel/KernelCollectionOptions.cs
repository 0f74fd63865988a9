using Ebpf.ProgramTypes;

namespace Ebpf.Linux.Kernel;

/// <summary>How <see cref="KernelCollection.Load"/> loads a collection into the kernel.</summary>
public sealed record KernelCollectionOptions
{
    /// <summary>The default directory of maps pinned by name (LIBBPF_PIN_BY_NAME), as libbpf uses.</summary>
    public const string DefaultPinDirectory = "/sys/fs/bpf";

    /// <summary>Where maps the object marks as pinned by name live and are reused from; default <see cref="DefaultPinDirectory"/>.</summary>
    public string MapPinDirectory { get; init; } = DefaultPinDirectory;

    /// <summary>
    /// Whether maps the object marks as pinned by name are pinned and reused (default true, as libbpf does); a test run
    /// that must leave nothing behind and start from empty maps turns it off.
    /// </summary>
    public bool PinMapsByName { get; init; } = true;

    /// <summary>
    /// The programs to load, by name; null loads every program. Programs not named are not loaded, but every map is
    /// created.
    /// </summary>
    public IReadOnlyCollection<string>? Programs { get; init; }

    /// <summary>A program type for programs whose section name follows no convention (it overrides every program's type).</summary>
    public ProgramTypeId? ProgramTypeOverride { get; init; }

    /// <summary>
    /// The kernel verifier log level to keep for every program (<see cref="KernelProgram.VerifierLog"/>): 1 the paths, 2
    /// every instruction, 4 statistics only; 0 (default) keeps no log unless a load fails.
    /// </summary>
    public uint VerifierLogLevel { get; init; }

    /// <summary>Whether to load the object's BTF and describe maps and programs with it (func_info, line_info); default true.</summary>
    public bool UseBtf { get; init; } = true;
}
