namespace Ebpf.Isa.Text;

/// <summary>
/// Writes one instruction in LLVM's syntax, or reports that the syntax cannot express it exactly (unknown opcode,
/// a register field above r10, a nonzero field the instruction does not use), in which case the caller writes the
/// slot raw. Every text this returns assembles back to the same bytes, except calls with source field 1 or 2 when
/// <see cref="DisassemblyOptions.DistinguishCalls"/> is off, which LLVM writes like helper calls.
/// </summary>
internal static class InstructionFormatter
{
    private const int HighestRegister = 10;

    /// <summary>The text of <paramref name="insn"/>, or null when it has no exact text.</summary>
    /// <param name="insn">The instruction, or the first slot of a <c>lddw</c>.</param>
    /// <param name="next">The slot after it, which a <c>lddw</c> needs; null when there is none.</param>
    /// <param name="options">The radix and call style.</param>
    public static string? TryFormat(Instruction insn, Instruction? next, DisassemblyOptions options)
    {
        if (insn.Destination > HighestRegister || insn.Source > HighestRegister) return null;
        var writer = new Writer(options.Radix);
        return insn.Class switch
        {
            InstructionClass.Alu or InstructionClass.Alu64 => FormatAlu(insn, writer),
            InstructionClass.Jmp or InstructionClass.Jmp32 => FormatJump(insn, writer, options.DistinguishCalls),
            InstructionClass.Ld => FormatLd(insn, next, writer),
            InstructionClass.Ldx => FormatLdx(insn, writer),
            InstructionClass.St => FormatSt(insn, writer),
            _ => FormatStx(insn, writer),
        };
    }

    private static string? FormatAlu(Instruction insn, Writer w)
    {
        bool is64 = insn.Class == InstructionClass.Alu64;
        char prefix = is64 ? 'r' : 'w';
        bool byRegister = Opcodes.SourceOf(insn.Opcode) == OperandSource.Register;
        string dst = $"{prefix}{insn.Destination}";
        string src = $"{prefix}{insn.Source}";
        var operation = Opcodes.AluOperationOf(insn.Opcode);
        switch (operation)
        {
            case AluOperation.Neg:
                if (byRegister || insn.Source != 0 || insn.Offset != 0 || insn.Immediate != 0) return null;
                return $"{dst} = -{dst}";
            case AluOperation.Mov when byRegister:
                if (insn.Immediate != 0) return null;
                if (insn.Offset == 0) return $"{dst} = {src}";
                bool validExtension = insn.Offset is 8 or 16 || (is64 && insn.Offset == 32);
                return validExtension ? $"{dst} = (s{insn.Offset}){src}" : null;
            case AluOperation.Mov:
                if (insn.Source != 0 || insn.Offset != 0) return null;
                return $"{dst} = {w.Signed(insn.Immediate)}";
            case AluOperation.End:
                if (insn.Source != 0 || insn.Offset != 0 || insn.Immediate is not (16 or 32 or 64)) return null;
                if (is64) return byRegister ? null : $"r{insn.Destination} = bswap{insn.Immediate} r{insn.Destination}";
                string order = byRegister ? "be" : "le";
                return $"r{insn.Destination} = {order}{insn.Immediate} r{insn.Destination}";
        }

        bool signed = insn.Offset == 1 && operation is AluOperation.Div or AluOperation.Mod;
        if (insn.Offset != 0 && !signed) return null;
        string? op = InstructionSyntax.AluOperator(operation, signed);
        if (op is null) return null;
        if (byRegister) return insn.Immediate == 0 ? $"{dst} {op} {src}" : null;
        return insn.Source == 0 ? $"{dst} {op} {w.Signed(insn.Immediate)}" : null;
    }

    private static string? FormatJump(Instruction insn, Writer w, bool distinguishCalls)
    {
        bool is32 = insn.Class == InstructionClass.Jmp32;
        bool byRegister = Opcodes.SourceOf(insn.Opcode) == OperandSource.Register;
        var operation = Opcodes.JumpOperationOf(insn.Opcode);
        switch (operation)
        {
            case JumpOperation.Ja:
                if (byRegister || insn.Destination != 0 || insn.Source != 0) return null;
                if (is32) return insn.Offset == 0 ? $"gotol {w.Relative(insn.Immediate)}" : null;
                return insn.Immediate == 0 ? $"goto {w.Relative(insn.Offset)}" : null;
            case JumpOperation.Call:
                if (is32 || insn.Offset != 0) return null;
                if (byRegister) return insn.Source == 0 && insn.Immediate == 0 ? $"callx r{insn.Destination}" : null;
                if (insn.Destination != 0) return null;
                return (CallKind)insn.Source switch
                {
                    CallKind.Helper => $"call {w.Signed(insn.Immediate)}",
                    CallKind.Local when distinguishCalls => $"call pc{w.Relative(insn.Immediate)}",
                    CallKind.KernelFunction when distinguishCalls => $"call kfunc({w.Signed(insn.Immediate)})",
                    CallKind.Local or CallKind.KernelFunction => $"call {w.Signed(insn.Immediate)}",
                    _ => null,
                };
            case JumpOperation.Exit:
                bool allZero = insn.Destination == 0 && insn.Source == 0 && insn.Offset == 0 && insn.Immediate == 0;
                return !is32 && !byRegister && allZero ? "exit" : null;
        }

        string? comparison = InstructionSyntax.JumpOperator(operation);
        if (comparison is null) return null;
        char prefix = is32 ? 'w' : 'r';
        string target = w.Relative(insn.Offset);
        if (byRegister)
            return insn.Immediate == 0 ? $"if {prefix}{insn.Destination} {comparison} {prefix}{insn.Source} goto {target}" : null;
        return insn.Source == 0 ? $"if {prefix}{insn.Destination} {comparison} {w.Signed(insn.Immediate)} goto {target}" : null;
    }

    private static string? FormatLd(Instruction insn, Instruction? next, Writer w)
    {
        if (insn.Opcode == Opcodes.Lddw) return FormatLddw(insn, next, w);
        if (!Opcodes.IsPacketLoad(insn.Opcode)) return null;
        var size = Opcodes.SizeOf(insn.Opcode);
        if (size == AccessSize.DoubleWord || insn.Destination != 0 || insn.Offset != 0) return null;
        string access = $"r0 = *(u{InstructionSyntax.Bits(size)} *)skb";
        if (Opcodes.ModeOf(insn.Opcode) == AccessMode.Absolute)
            return insn.Source == 0 ? $"{access}[{w.Signed(insn.Immediate)}]" : null;
        // LLVM drops a nonzero immediate of an indirect packet load; writing it keeps the text exact.
        return insn.Immediate == 0 ? $"{access}[r{insn.Source}]" : $"{access}[r{insn.Source} {w.OffsetTerm(insn.Immediate)}]";
    }

    private static string? FormatLddw(Instruction insn, Instruction? next, Writer w)
    {
        if (next is not { } second || insn.Offset != 0) return null;
        if (second.Opcode != 0 || second.Destination != 0 || second.Source != 0 || second.Offset != 0) return null;
        string dst = $"r{insn.Destination}";
        var source = (LddwSource)insn.Source;
        if (source == LddwSource.Immediate)
        {
            long value = (long)((ulong)(uint)second.Immediate << 32 | (uint)insn.Immediate);
            return $"{dst} = {w.Signed(value)} ll";
        }
        string? name = InstructionSyntax.LddwPseudoName(source);
        if (name is null) return null;
        if (InstructionSyntax.LddwPseudoHasSecondArgument(source))
            return $"{dst} = {name}({w.Signed(insn.Immediate)}, {w.Signed(second.Immediate)}) ll";
        if (second.Immediate != 0) return null;
        string argument = source == LddwSource.Function ? w.Relative(insn.Immediate) : w.Signed(insn.Immediate);
        return $"{dst} = {name}({argument}) ll";
    }

    private static string? FormatLdx(Instruction insn, Writer w)
    {
        var size = Opcodes.SizeOf(insn.Opcode);
        char signedness = Opcodes.ModeOf(insn.Opcode) switch
        {
            AccessMode.Memory => 'u',
            AccessMode.MemorySignExtend when size != AccessSize.DoubleWord => 's',
            _ => '\0',
        };
        if (signedness == '\0' || insn.Immediate != 0) return null;
        return $"r{insn.Destination} = *({signedness}{InstructionSyntax.Bits(size)} *)({w.Address(insn.Source, insn.Offset)})";
    }

    private static string? FormatSt(Instruction insn, Writer w)
    {
        if (Opcodes.ModeOf(insn.Opcode) != AccessMode.Memory || insn.Source != 0) return null;
        var size = Opcodes.SizeOf(insn.Opcode);
        return $"*(u{InstructionSyntax.Bits(size)} *)({w.Address(insn.Destination, insn.Offset)}) = {w.Signed(insn.Immediate)}";
    }

    private static string? FormatStx(Instruction insn, Writer w)
    {
        var size = Opcodes.SizeOf(insn.Opcode);
        int bits = InstructionSyntax.Bits(size);
        string address = w.Address(insn.Destination, insn.Offset);
        var mode = Opcodes.ModeOf(insn.Opcode);
        if (mode == AccessMode.Memory)
            return insn.Immediate == 0 ? $"*(u{bits} *)({address}) = r{insn.Source}" : null;
        if (mode != AccessMode.Atomic || size is not (AccessSize.Word or AccessSize.DoubleWord)) return null;

        bool is64 = size == AccessSize.DoubleWord;
        // 32-bit atomics are written with w registers, as LLVM writes them when it decodes with the alu32 feature.
        string src = $"{(is64 ? 'r' : 'w')}{insn.Source}";
        string r0 = is64 ? "r0" : "w0";
        var operation = (AtomicOperation)insn.Immediate;
        if (InstructionSyntax.AtomicOperator(operation) is { } op) return $"lock *(u{bits} *)({address}) {op} {src}";
        if (InstructionSyntax.AtomicFetchName(operation) is { } fetch) return $"{src} = {fetch}((u{bits} *)({address}), {src})";
        return operation switch
        {
            AtomicOperation.Exchange => $"{src} = {InstructionSyntax.ExchangeName(is64)}({address}, {src})",
            AtomicOperation.CompareExchange => $"{r0} = {InstructionSyntax.CompareExchangeName(is64)}({address}, {r0}, {src})",
            _ => null,
        };
    }

    /// <summary>Number formatting in one radix.</summary>
    private readonly struct Writer(ImmediateRadix radix)
    {
        public string Signed(long value) => NumberFormatter.Signed(value, radix);

        public string Relative(long value) => NumberFormatter.Relative(value, radix);

        public string OffsetTerm(long value) => NumberFormatter.OffsetTerm(value, radix);

        public string Address(int register, short offset) => $"r{register} {OffsetTerm(offset)}";
    }
}
