using System.Runtime.InteropServices;
using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.Linux.Syscalls;
using Ebpf.Maps;

namespace Ebpf.Linux.Tests.Verifier;

/// <summary>
/// Test-only: an object's maps created in the kernel (map-in-map outers with their inner template), so that its programs
/// can be handed to BPF_PROG_LOAD with map-by-index loads rewritten to map fds.
/// </summary>
internal sealed unsafe class KernelObjectMaps : IDisposable
{
    private readonly List<BpfFileDescriptor> _fds = [];
    private readonly List<BpfFileDescriptor> _maps = [];

    public KernelObjectMaps(CollectionSpec spec)
    {
        try
        {
            foreach (var map in spec.Maps)
            {
                uint inner = 0;
                if (map.InnerMap is { } template)
                {
                    var innerFd = Create(template, 0);
                    _fds.Add(innerFd);
                    inner = innerFd.AsAttrField;
                }
                _maps.Add(Create(map, inner));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private static BpfFileDescriptor Create(MapSpec map, uint innerFd)
    {
        var attr = new MapCreateAttr
        {
            Type = (uint)map.Type, KeySize = map.KeySize, ValueSize = map.ValueSize, MaxEntries = map.MaxEntries,
            Flags = (uint)map.Flags, MapExtra = map.MapExtra, InnerMapFd = innerFd,
        };
        return new BpfFileDescriptor(BpfSyscall.Invoke(BpfCommand.MapCreate, ref attr));
    }

    /// <summary>The program's instructions with map-by-index loads (src 5, 6) turned into map-by-fd loads (src 1, 2).</summary>
    public Bytecode Rewrite(Bytecode program)
    {
        var slots = program.Slots.ToArray();
        for (int i = 0; i < slots.Length; i++)
        {
            var slot = slots[i];
            if (!slot.IsLddw) continue;
            var source = (LddwSource)slot.Source switch
            {
                LddwSource.MapByIndex => LddwSource.MapByFd,
                LddwSource.MapValueByIndex => LddwSource.MapValueByFd,
                var other => other,
            };
            if (source != (LddwSource)slot.Source)
                slots[i] = new Instruction(slot.Opcode, slot.Destination, (byte)source, slot.Offset,
                    slot.Immediate >= 0 && slot.Immediate < _maps.Count ? _maps[slot.Immediate].Value : -1);
            i++;
        }
        return new Bytecode(slots);
    }

    public void Dispose()
    {
        foreach (var fd in _maps) fd.Dispose();
        foreach (var fd in _fds) fd.Dispose();
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MapCreateAttr
    {
        public uint Type, KeySize, ValueSize, MaxEntries, Flags, InnerMapFd, NumaNode;
        public fixed byte Name[16];
        public uint Ifindex, BtfFd, BtfKeyTypeId, BtfValueTypeId, BtfVmlinuxValueTypeId;
        public ulong MapExtra;
    }
}
