using Ebpf.Linux.Syscalls;
using Ebpf.Maps;

namespace Ebpf.Linux.Kernel;

/// <summary>What the kernel reports about a map (<c>struct bpf_map_info</c>), as <c>bpftool map show</c> prints it.</summary>
/// <param name="Id">The map id.</param>
/// <param name="Name">The name (at most 15 characters).</param>
/// <param name="Type">The map type.</param>
/// <param name="KeySize">Key size in bytes.</param>
/// <param name="ValueSize">Value size in bytes.</param>
/// <param name="MaxEntries">Capacity.</param>
/// <param name="Flags">Creation flags.</param>
/// <param name="BtfId">The id of the map's BTF, or 0.</param>
public sealed record KernelMapInfo(uint Id, string Name, MapType Type, uint KeySize, uint ValueSize, uint MaxEntries, MapCreationFlags Flags, uint BtfId)
{
    internal static KernelMapInfo From(in BpfMapInfo info) =>
        new(info.Id, KernelObjects.NameOf(info), (MapType)info.Type, info.KeySize, info.ValueSize, info.MaxEntries, (MapCreationFlags)info.MapFlags, info.BtfId);

    /// <summary>Every map the kernel has now, by id (maps that go away during the walk are skipped).</summary>
    public static IReadOnlyList<KernelMapInfo> All()
    {
        var maps = new List<KernelMapInfo>();
        foreach (uint id in KernelObjects.Ids(BpfCommand.MapGetNextId))
        {
            using var fd = KernelObjects.OpenById(BpfCommand.MapGetFdById, id);
            if (fd is not null) maps.Add(From(KernelObjects.MapInfo(fd)));
        }
        return maps;
    }
}
