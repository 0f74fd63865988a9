using System.Runtime.CompilerServices;

namespace Ebpf.Runtime;

public sealed unsafe partial class Interpreter
{
    /// <summary>Checks one load or store and returns the native pointer, or throws the fault that stops the run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void* Access(RunContext context, ulong stackLow, ulong stackHigh, ulong address, int size, bool write, int pc)
    {
        if (address >= stackLow && address <= stackHigh - (ulong)size) return (void*)address;
        if (context.Allows(address, (ulong)size, write)) return (void*)address;
        throw MemoryFaults.OutOfBounds(context, stackLow, stackHigh, address, size, write, pc);
    }

    private static ulong AtomicAccess(RunContext context, ulong stackLow, ulong stackHigh, ulong address, int size, int pc)
    {
        Access(context, stackLow, stackHigh, address, size, true, pc);
        if ((address & (ulong)(size - 1)) != 0) throw MemoryFaults.MisalignedAtomic(address, size, pc);
        return address;
    }
}
