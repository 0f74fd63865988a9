using Ebpf.Isa;

namespace Ebpf.Linux.Kernel;

/// <summary>
/// Turns an object's map references by index (<c>lddw src=5/6</c>, BPF_PSEUDO_MAP_IDX and _IDX_VALUE, what the loader
/// writes) into references by file descriptor (<c>src=1/2</c>, BPF_PSEUDO_MAP_FD and _VALUE), as <c>BPF_PROG_LOAD</c>
/// takes them without an fd array. The value offset in the second slot stays.
/// </summary>
internal static class MapReferences
{
    /// <summary>The instructions with every map index replaced by <paramref name="fdOfIndex"/>(index).</summary>
    public static Bytecode ToFds(Bytecode instructions, Func<int, int> fdOfIndex)
    {
        var slots = instructions.Slots.ToArray();
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
                slots[i] = new Instruction(slot.Opcode, slot.Destination, (byte)source, slot.Offset, fdOfIndex(slot.Immediate));
            i++; // the second slot of the lddw
        }
        return new Bytecode(slots);
    }
}
