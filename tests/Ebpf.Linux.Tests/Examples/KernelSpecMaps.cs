using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.Linux.Kernel;

namespace Ebpf.Linux.Tests.Examples;

/// <summary>
/// Test-only, deliberately barer than the library's KernelCollection: the maps of a <see cref="CollectionSpec"/>
/// created in the kernel (no BTF, no initial contents) and its programs' map references rewritten to those fds, so that a program with maps can be loaded with
/// <see cref="Programs.KernelTestProgram"/> and its maps read back after kernel test runs.
/// </summary>
internal sealed class KernelSpecMaps : IDisposable
{
    private readonly CollectionSpec _spec;
    private readonly List<KernelMap> _maps = [];

    public KernelSpecMaps(CollectionSpec spec)
    {
        _spec = spec;
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

    /// <summary>The instructions of program <paramref name="name"/> with map-by-index loads turned into map-by-fd loads.</summary>
    public Bytecode Program(string name) => MapReferences.ToFds(_spec.Program(name).Instructions, index => _maps[index].FileDescriptor);

    /// <summary>BPF_MAP_UPDATE_ELEM on the kernel map named <paramref name="map"/>.</summary>
    public void Update(string map, byte[] key, byte[] value) => Map(map).Update(key, value);

    /// <summary>BPF_MAP_LOOKUP_ELEM: the value (all CPUs' values, 8-byte aligned each, for per-CPU maps), or null.</summary>
    public byte[]? Lookup(string map, byte[] key, int valueLength)
    {
        var value = new byte[valueLength];
        return Map(map).Lookup(key, value) ? value : null;
    }

    private KernelMap Map(string name) => _maps[_spec.IndexOfMap(name)];

    public void Dispose()
    {
        foreach (var map in _maps) map.Dispose();
    }
}
