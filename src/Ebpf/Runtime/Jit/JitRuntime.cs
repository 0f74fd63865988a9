using System.Runtime.CompilerServices;
using Ebpf.Isa;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// The cross-cutting pieces compiled programs call instead of inlining them: the slow path of memory checks,
/// faults, helper calls, legacy packet loads. Emitted once here, shared by every compiled program.
/// </summary>
public static unsafe class JitRuntime
{
    /// <summary>Whether the program must end now: a legacy packet load went out of bounds, or a tail call succeeded.</summary>
    public static bool IsEnding(JitContext jit) => jit.Aborted || jit.Run.PendingTailCall is not null;

    /// <summary>The exclusive bound of <c>address - start</c> for an access of <paramref name="size"/> bytes into a region of <paramref name="length"/> bytes.</summary>
    public static ulong Bound(ulong length, int size) => length >= (ulong)size ? length - (ulong)size + 1 : 0;

    /// <summary>The slow path of a checked access that missed the stack: the run's other regions, or a fault.</summary>
    public static void CheckRegion(JitContext jit, ulong address, int size, bool write, ulong stackLow, int pc)
    {
        if (jit.Run.Allows(address, (ulong)size, write)) return;
        throw MemoryFaults.OutOfBounds(jit.Run, stackLow, jit.StackHigh, address, size, write, pc);
    }

    /// <summary>Checks an atomic access: inside a writable region and naturally aligned.</summary>
    public static void CheckAtomic(JitContext jit, ulong address, int size, ulong stackLow, int pc)
    {
        bool onStack = address >= stackLow && address <= jit.StackHigh - (ulong)size;
        if (!onStack) CheckRegion(jit, address, size, true, stackLow, pc);
        if ((address & (ulong)(size - 1)) != 0) throw MemoryFaults.MisalignedAtomic(address, size, pc);
    }

    /// <summary>Throws the fault for an exhausted instruction budget.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowBudgetExhausted(JitContext jit, int pc)
    {
        jit.Executed = jit.Budget;
        throw MemoryFaults.BudgetExhausted(pc, jit.Budget);
    }

    /// <summary>Throws the fault for calls nested too deep.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowCallTooDeep(int pc) => throw MemoryFaults.CallTooDeep(pc);

    /// <summary>Calls the helper of a call site.</summary>
    public static ulong CallHelper(JitContext jit, int site, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, int pc)
    {
        var run = jit.Run;
        run.CurrentInstruction = pc;
        return jit.Helpers[site](r1, r2, r3, r4, r5, run);
    }

    /// <summary>Before a helper call of a program with callbacks: the caller's frame depth, for a callback's frame.</summary>
    public static void EnterCallbackHelper(JitContext jit, int depth) => jit.Run.CallDepth = depth;

    /// <summary>Calls the helper whose id is in a register (<c>callx</c>).</summary>
    public static ulong CallHelperById(JitContext jit, ulong id, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, int pc)
    {
        if (id > int.MaxValue || !jit.HelperTable.TryGet((int)id, out var helper)) throw MemoryFaults.UnknownHelper(id, pc);
        jit.Run.CurrentInstruction = pc;
        return helper.Implementation(r1, r2, r3, r4, r5, jit.Run);
    }

    /// <summary>A legacy packet load; out of bounds it marks the run aborted (r0 = 0) as the kernel does.</summary>
    public static ulong LoadPacket(JitContext jit, int opcode, int immediate, ulong source)
    {
        ulong* registers = stackalloc ulong[11];
        registers[0] = 0;
        registers[1] = source;
        var insn = new Instruction((byte)opcode, 0, 1, 0, immediate);
        if (Interpreter.LoadPacket(insn, registers, jit.Run.PacketStart, jit.Run.PacketLength)) return registers[0];
        jit.Aborted = true;
        return 0;
    }
}
