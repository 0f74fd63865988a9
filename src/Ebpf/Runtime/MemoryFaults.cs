namespace Ebpf.Runtime;

/// <summary>The faults every engine raises, built in one place so that all engines report them identically.</summary>
internal static class MemoryFaults
{
    public static ProgramFaultException OutOfBounds(RunContext context, ulong stackLow, ulong stackHigh, ulong address, int size, bool write, int pc)
    {
        string access = write ? "write" : "read";
        if (write && context.TryFindRegion(address, (ulong)size, false, out var readOnly))
            return new ProgramFaultException(new ProgramFault(FaultKind.OutOfBounds, pc, address, size,
                $"{access} of {size} bytes at 0x{address:x} into the read-only region '{readOnly.Name}'"));
        var regions = new List<string> { $"stack 0x{stackLow:x}-0x{stackHigh:x}" };
        foreach (var region in context.Regions) regions.Add($"{region.Name} 0x{region.Start:x}-0x{region.End:x}");
        return new ProgramFaultException(new ProgramFault(FaultKind.OutOfBounds, pc, address, size,
            $"out-of-bounds {access} of {size} bytes at 0x{address:x}; the run may only touch: {string.Join(", ", regions)}"));
    }

    public static ProgramFaultException MisalignedAtomic(ulong address, int size, int pc) =>
        new(new ProgramFault(FaultKind.MisalignedAtomic, pc, address, size,
            $"atomic {size * 8}-bit operation at 0x{address:x}, which is not aligned to {size} bytes"));

    public static ProgramFaultException BudgetExhausted(int pc, long budget) =>
        new(new ProgramFault(FaultKind.InstructionBudgetExhausted, pc, 0, 0,
            $"the run executed its budget of {budget} instructions without reaching exit; raise the budget if the program really needs more"));

    public static ProgramFaultException CallTooDeep(int pc) =>
        new(new ProgramFault(FaultKind.CallDepthExceeded, pc, 0, 0,
            $"bpf-to-bpf calls nested deeper than {ExecutionLimits.MaxCallFrames} frames"));

    public static ProgramFaultException UnknownHelper(ulong id, int pc) =>
        new(new ProgramFault(FaultKind.UnknownHelper, pc, 0, 0, $"callx to helper id {id}, which is not registered"));

    public static ProgramFaultException EndedInsideCallback(int pc) =>
        new(new ProgramFault(FaultKind.HelperError, pc, 0, 0,
            "a callback tried to end the whole program (bpf_tail_call, or a legacy packet load out of bounds) from inside the helper that called it; the kernel's verifier does not allow that"));
}
