using System.Runtime.InteropServices;
using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.Linux.Syscalls;

namespace Ebpf.Linux.Tests.Examples;

/// <summary>
/// Test-only, older than the library's KernelCollection and deliberately bare: the maps of a <see cref="CollectionSpec"/>
/// created in the kernel (BPF_MAP_CREATE, no BTF, no initial
/// contents) and its programs' map references rewritten to those fds, so that a program with maps can be loaded with
/// <see cref="Programs.KernelTestProgram"/> and its maps read back after kernel test runs.
/// </summary>
internal sealed unsafe class KernelSpecMaps : IDisposable
{
    private readonly CollectionSpec _spec;
    private readonly List<BpfFileDescriptor> _maps = [];

    public KernelSpecMaps(CollectionSpec spec)
    {
        _spec = spec;
        try
        {
            foreach (var map in spec.Maps)
            {
                var attr = new MapCreateAttr
                {
                    Type = (uint)map.Type, KeySize = map.KeySize, ValueSize = map.ValueSize, MaxEntries = map.MaxEntries,
                    Flags = (uint)map.Flags, MapExtra = map.MapExtra,
                };
                _maps.Add(new BpfFileDescriptor(BpfSyscall.Invoke(BpfCommand.MapCreate, ref attr)));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The instructions of program <paramref name="name"/> with map-by-index loads turned into map-by-fd loads.</summary>
    public Bytecode Program(string name)
    {
        var slots = _spec.Program(name).Instructions.Slots.ToArray();
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
                slots[i] = new Instruction(slot.Opcode, slot.Destination, (byte)source, slot.Offset, _maps[slot.Immediate].Value);
        }
        return new Bytecode(slots);
    }

    /// <summary>BPF_MAP_UPDATE_ELEM on the kernel map named <paramref name="map"/>.</summary>
    public void Update(string map, byte[] key, byte[] value)
    {
        fixed (byte* k = key, v = value)
        {
            var attr = new ElementAttr { MapFd = Fd(map), Key = (ulong)k, Value = (ulong)v };
            BpfSyscall.Invoke(BpfCommand.MapUpdateElement, ref attr);
        }
    }

    /// <summary>BPF_MAP_LOOKUP_ELEM: the value (all CPUs' values, 8-byte aligned each, for per-CPU maps), or null.</summary>
    public byte[]? Lookup(string map, byte[] key, int valueLength)
    {
        var value = new byte[valueLength];
        fixed (byte* k = key, v = value)
        {
            var attr = new ElementAttr { MapFd = Fd(map), Key = (ulong)k, Value = (ulong)v };
            int errno = BpfSyscall.TryInvoke(BpfCommand.MapLookupElement, ref attr, out _);
            if (errno == Errno.ENOENT) return null;
            if (errno != 0) throw new KernelErrorException(BpfCommand.MapLookupElement, errno);
        }
        return value;
    }

    private uint Fd(string map) => _maps[_spec.IndexOfMap(map)].AsAttrField;

    public void Dispose()
    {
        foreach (var fd in _maps) fd.Dispose();
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MapCreateAttr
    {
        public uint Type, KeySize, ValueSize, MaxEntries, Flags, InnerMapFd, NumaNode;
        public fixed byte Name[16];
        public uint Ifindex, BtfFd, BtfKeyTypeId, BtfValueTypeId, BtfVmlinuxValueTypeId;
        public ulong MapExtra;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ElementAttr
    {
        public uint MapFd, Padding;
        public ulong Key, Value, Flags;
    }
}
