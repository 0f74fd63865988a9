using Ebpf.Elf;
using Ebpf.Linux.Kernel;
using Ebpf.ProgramTypes;

namespace Ebpf.Cli.Commands;

/// <summary>How the kernel commands (run --kernel, attach, events, bench) load an object for one program of it.</summary>
internal static class KernelLoading
{
    /// <summary>
    /// Loads the programs the kernel can type — so program arrays hold their targets — plus <paramref name="program"/>;
    /// with a type override only <paramref name="program"/>, as that type. A test run starts from fresh maps and pins
    /// nothing (<paramref name="testRun"/>); an attachment honours the object's pinning.
    /// </summary>
    public static KernelCollection Load(CollectionSpec spec, string program, ProgramTypeId? typeOverride = null, bool testRun = false) =>
        KernelCollection.Load(spec, new KernelCollectionOptions
        {
            Programs = typeOverride is null
                ? spec.Programs.Where(p => p.ProgramType != ProgramTypeId.Unspecified || p.Name == program).Select(p => p.Name).ToList()
                : [program],
            ProgramTypeOverride = typeOverride,
            PinMapsByName = !testRun,
        });
}
