using Ebpf.Maps;
using Ebpf.Runtime;

namespace Ebpf.Helpers.Linux;

/// <summary>Checks of helper arguments shared by the Linux helpers: a fault names the helper and the argument.</summary>
internal static class HelperArguments
{
    /// <summary>The map a map-pointer argument refers to.</summary>
    public static Map Map(ulong handle, RunContext context, string helper, int argument = 1)
    {
        if (MapRegistry.TryGetByHandle(handle, out var map) && !map.IsDisposed) return map;
        throw Fault(context, helper, $"argument {argument} (0x{handle:x}) is not a map; load it with a map reference (lddw)");
    }

    /// <summary>The ring buffer a map-pointer argument refers to.</summary>
    public static RingBufferMap RingBuffer(ulong handle, RunContext context, string helper) =>
        Map(handle, context, helper) as RingBufferMap
            ?? throw Fault(context, helper, "argument 1 is not a ring buffer map");

    /// <summary>Checks that a pointer argument covers <paramref name="size"/> accessible bytes and returns it.</summary>
    public static ulong Memory(ulong address, long size, bool write, RunContext context, string helper, int argument)
    {
        if (size < 0 || size > int.MaxValue)
            throw Fault(context, helper, $"argument {argument + 1} gives a size of {size} bytes");
        if (size > 0) context.GetMemory(address, (int)size, write);
        return address;
    }

    /// <summary>
    /// A constant string argument (the kernel's ARG_PTR_TO_CONST_STR, which its verifier proves NUL-terminated): the
    /// bytes before the NUL, which must lie in readable memory of the run.
    /// </summary>
    public static unsafe ReadOnlySpan<byte> ConstantString(ulong address, RunContext context, string helper, int argument)
    {
        for (ulong length = 0; ; length++)
        {
            if (!context.CanRead(address + length, 1))
                throw Fault(context, helper, $"argument {argument} (0x{address:x}) is not a NUL-terminated string in memory of this run; pass a constant string (e.g. from .rodata)");
            if (*(byte*)(address + length) == 0) return new ReadOnlySpan<byte>((void*)address, (int)length);
        }
    }

    /// <summary>A negative errno as r0 (the kernel's helpers return -EINVAL and friends).</summary>
    public static ulong Negative(int errno) => unchecked((ulong)-(long)errno);

    public static ProgramFaultException Fault(RunContext context, string helper, string detail) =>
        new(new ProgramFault(FaultKind.HelperError, context.CurrentInstruction, 0, 0, $"bpf_{helper}: {detail}"));
}
