using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.Linux.Kernel;

namespace Ebpf.Linux.Tests.Verifier;

/// <summary>
/// Test-only: an object's maps created in the kernel (map-in-map outers with their inner template), so that its programs
/// can be handed to BPF_PROG_LOAD with map-by-index loads rewritten to map fds. Unlike the library's KernelCollection it
/// loads no BTF and no data, and a reference to a map the object lacks becomes fd -1 for the kernel to judge.
/// </summary>
internal sealed class KernelObjectMaps : IDisposable
{
    private readonly List<KernelMap> _maps = [];

    public KernelObjectMaps(CollectionSpec spec)
    {
        try
        {
            foreach (var map in spec.Maps) _maps.Add(KernelMap.Create(map));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The program's instructions with map-by-index loads (src 5, 6) turned into map-by-fd loads (src 1, 2).</summary>
    public Bytecode Rewrite(Bytecode program) =>
        MapReferences.ToFds(program, index => index >= 0 && index < _maps.Count ? _maps[index].FileDescriptor : -1);

    public void Dispose()
    {
        foreach (var map in _maps) map.Dispose();
    }
}
