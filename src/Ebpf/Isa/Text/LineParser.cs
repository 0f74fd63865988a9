using System.Buffers.Binary;

namespace Ebpf.Isa.Text;

/// <summary>
/// Parses one line of assembly in LLVM's eBPF syntax (plus the extensions the <see cref="Disassembler"/> writes)
/// into labels and at most one instruction. Labels are not resolved here; the <see cref="Assembler"/> does that.
/// </summary>
internal sealed class LineParser
{
    private const string RegisterExpectation = "a register (r0-r10)";
    private static readonly Int128 Immediate32Min = int.MinValue;
    private static readonly Int128 Immediate32Max = uint.MaxValue;

    private readonly List<Token> _tokens;
    private readonly int _line;
    private int _position;

    private LineParser(List<Token> tokens, int line)
    {
        _tokens = tokens;
        _line = line;
    }

    /// <summary>Parses <paramref name="text"/>, the source line numbered <paramref name="line"/> (1-based).</summary>
    /// <exception cref="AssemblerException">The line is not valid assembly.</exception>
    public static ParsedLine Parse(string text, int line) => new LineParser(Lexer.Tokenize(text, line), line).ParseLine();

    private ParsedLine ParseLine()
    {
        // An index column as llvm-objdump prints it ("  12:"), which is ignored.
        if (Peek.Kind == TokenKind.Number && PeekAt(1).IsOperator(":")) _position += 2;

        var labels = new List<(string, int)>();
        while (Peek.Kind == TokenKind.Identifier && PeekAt(1).IsOperator(":"))
        {
            var name = Next();
            if (TryReadRegisterName(name.Text, out _, out _))
                throw Error(name, $"'{name.Text}' is a register name and cannot be a label");
            labels.Add((name.Text, name.Column));
            _position++;
        }

        if (Peek.Kind == TokenKind.End) return new ParsedLine(labels, null);
        var instruction = ParseInstruction();
        if (Peek.Kind != TokenKind.End) throw Error(Peek, $"unexpected {Peek.Describe()} after the end of the instruction");
        return new ParsedLine(labels, instruction);
    }

    private ParsedInstruction ParseInstruction()
    {
        var first = Peek;
        if (first.IsOperator("*")) return ParseStore();
        if (first.Kind != TokenKind.Identifier) throw Error(first, $"expected an instruction, found {first.Describe()}");
        if (TryReadRegisterName(first.Text, out _, out _)) return ParseRegisterStatement();
        _position++;
        switch (first.Text)
        {
            case "exit":
                return Single(new Instruction(Opcodes.Exit, 0, 0, 0, 0));
            case "goto":
                return ParseJump(Opcodes.Ja, 0, 0, 0, LabelField.Offset);
            case "gotol":
                return ParseJump(Opcodes.Ja32, 0, 0, 0, LabelField.Immediate);
            case "call":
                return ParseCall();
            case "callx":
                var target = ExpectRegister(wide: true);
                return Single(new Instruction(Opcodes.CallRegister, (byte)target.Number, 0, 0, 0));
            case "if":
                return ParseConditionalJump();
            case "lock":
                return ParseLock();
            case "ld_pseudo":
                return ParseLdPseudo();
            case InstructionSyntax.RawSlotDirective:
                var (value, token) = ExpectSignedNumber("a 64-bit value");
                return Single(RawSlot(ToImmediate64(value, token)));
            default:
                throw Error(first, $"unknown instruction '{first.Text}'");
        }
    }

    // ---- statements that start with a register -------------------------------------------------------------

    private ParsedInstruction ParseRegisterStatement()
    {
        var dst = ExpectRegister(wide: null);
        var op = Next();
        if (op.Kind == TokenKind.Operator && InstructionSyntax.TryParseAluOperator(op.Text, out var operation, out bool signed))
        {
            var cls = dst.Is64 ? InstructionClass.Alu64 : InstructionClass.Alu;
            short offset = signed ? (short)1 : (short)0;
            if (IsRegisterToken(Peek))
            {
                var src = ExpectRegister(wide: dst.Is64);
                return Single(Alu(cls, operation, OperandSource.Register, dst, src.Number, offset, 0));
            }
            int imm = ExpectImmediate32($"{RegisterExpectation} or an immediate");
            return Single(Alu(cls, operation, OperandSource.Immediate, dst, 0, offset, imm));
        }
        if (!op.IsOperator("=")) throw Error(op, $"expected '=' or an operator such as '+=', found {op.Describe()}");
        return ParseAssignment(dst);
    }

    private ParsedInstruction ParseAssignment(Register dst)
    {
        var cls = dst.Is64 ? InstructionClass.Alu64 : InstructionClass.Alu;
        var next = Peek;
        if (next.IsOperator("-") && IsRegisterToken(PeekAt(1)))
        {
            _position++;
            ExpectSameRegister(dst, "a negation names its destination register twice");
            return Single(Alu(cls, AluOperation.Neg, OperandSource.Immediate, dst, 0, 0, 0));
        }
        if (next.IsOperator("("))
        {
            _position++;
            var width = Next();
            int bits = width.Text switch { "s8" => 8, "s16" => 16, "s32" when dst.Is64 => 32, _ => 0 };
            if (bits == 0)
                throw Error(width, $"expected a sign-extension width ({(dst.Is64 ? "s8, s16 or s32" : "s8 or s16")}), found {width.Describe()}");
            Expect(")");
            var src = ExpectRegister(wide: dst.Is64);
            return Single(Alu(cls, AluOperation.Mov, OperandSource.Register, dst, src.Number, (short)bits, 0));
        }
        if (next.IsOperator("*")) return ParseLoad(dst);
        if (IsRegisterToken(next))
        {
            var src = ExpectRegister(wide: dst.Is64);
            return Single(Alu(cls, AluOperation.Mov, OperandSource.Register, dst, src.Number, 0, 0));
        }
        if (next.Kind == TokenKind.Identifier)
        {
            if (TryParseByteSwap(next.Text, out var swapClass, out var order, out int swapBits))
            {
                _position++;
                if (!dst.Is64) throw Error(dst.Token, "a byte swap is written with 64-bit registers: r1 = be16 r1");
                ExpectSameRegister(dst, "a byte swap names its destination register twice");
                return Single(new Instruction((byte)((byte)swapClass | (byte)AluOperation.End | (byte)order), (byte)dst.Number, 0, 0, swapBits));
            }
            if (next.Text.StartsWith("atomic_fetch_", StringComparison.Ordinal)) return ParseAtomicFetch(dst);
            if (next.Text is "xchg_64" or "xchg32_32") return ParseExchange(dst);
            if (next.Text is "cmpxchg_64" or "cmpxchg32_32") return ParseCompareExchange(dst);
            if (TryParseLddwPseudo(next.Text, out var pseudo)) return ParseLddwPseudo(dst, pseudo);
            if (PeekAt(1).IsIdentifier("ll")) return ParseFunctionAddress(dst);
            throw Error(next, $"expected {RegisterExpectation} or an immediate, found {next.Describe()}");
        }

        var (value, token) = ExpectSignedNumber($"{RegisterExpectation} or an immediate");
        if (Peek.IsIdentifier("ll"))
        {
            _position++;
            if (!dst.Is64) throw Error(dst.Token, "a 64-bit immediate load needs a 64-bit register (r0-r10)");
            var (lo, hi) = Instruction.Lddw((byte)dst.Number, ToImmediate64(value, token));
            return new ParsedInstruction(lo, hi, null);
        }
        return Single(Alu(cls, AluOperation.Mov, OperandSource.Immediate, dst, 0, 0, ToImmediate32(value, token)));
    }

    private ParsedInstruction ParseLoad(Register dst)
    {
        var (mode, size) = ParseAccessType(allowSigned: true);
        if (Peek.IsIdentifier("skb"))
        {
            if (mode != AccessMode.Memory) throw Error(Peek, "packet loads are unsigned");
            return ParsePacketLoad(dst, size);
        }
        var (baseRegister, offset) = ParseParenthesizedAddress();
        var opcode = (byte)((byte)InstructionClass.Ldx | (byte)mode | (byte)size);
        return Single(new Instruction(opcode, (byte)dst.Number, (byte)baseRegister, offset, 0));
    }

    private ParsedInstruction ParsePacketLoad(Register dst, AccessSize size)
    {
        var skb = Next();
        if (dst.Number != 0) throw Error(dst.Token, "a packet load always loads into r0");
        if (size == AccessSize.DoubleWord) throw Error(skb, "packet loads read u8, u16 or u32");
        Expect("[");
        byte opcode;
        byte source = 0;
        int imm = 0;
        if (IsRegisterToken(Peek))
        {
            source = (byte)ExpectRegister(wide: true).Number;
            opcode = (byte)((byte)InstructionClass.Ld | (byte)AccessMode.Indirect | (byte)size);
            if (Peek.IsOperator("+") || Peek.IsOperator("-")) imm = ExpectImmediate32("an offset");
        }
        else
        {
            opcode = (byte)((byte)InstructionClass.Ld | (byte)AccessMode.Absolute | (byte)size);
            imm = ExpectImmediate32($"{RegisterExpectation} or an offset");
        }
        Expect("]");
        return Single(new Instruction(opcode, 0, source, 0, imm));
    }

    private ParsedInstruction ParseAtomicFetch(Register dst)
    {
        var name = Next();
        var operation = name.Text switch
        {
            "atomic_fetch_add" => AtomicOperation.FetchAdd,
            "atomic_fetch_or" => AtomicOperation.FetchOr,
            "atomic_fetch_and" => AtomicOperation.FetchAnd,
            "atomic_fetch_xor" => AtomicOperation.FetchXor,
            _ => throw Error(name, $"unknown atomic operation '{name.Text}'; expected atomic_fetch_add, _or, _and or _xor"),
        };
        Expect("(");
        var (_, size) = ParseAccessType(allowSigned: false);
        var (baseRegister, offset) = ParseParenthesizedAddress();
        Expect(",");
        ExpectSameRegister(dst, "the register that receives the old value must also be the operand");
        Expect(")");
        return Single(Atomic(size, name, baseRegister, dst.Number, offset, operation));
    }

    private ParsedInstruction ParseExchange(Register dst)
    {
        var name = Next();
        var size = name.Text == "xchg_64" ? AccessSize.DoubleWord : AccessSize.Word;
        Expect("(");
        var (baseRegister, offset) = ParseAddress();
        Expect(",");
        ExpectSameRegister(dst, "the register that receives the old value must also be the operand");
        Expect(")");
        return Single(Atomic(size, name, baseRegister, dst.Number, offset, AtomicOperation.Exchange));
    }

    private ParsedInstruction ParseCompareExchange(Register dst)
    {
        var name = Next();
        if (dst.Number != 0) throw Error(dst.Token, "compare-and-exchange always returns the old value in r0");
        var size = name.Text == "cmpxchg_64" ? AccessSize.DoubleWord : AccessSize.Word;
        Expect("(");
        var (baseRegister, offset) = ParseAddress();
        Expect(",");
        ExpectSameRegister(dst, "compare-and-exchange always compares with r0");
        Expect(",");
        var src = ExpectRegister(wide: null);
        Expect(")");
        return Single(Atomic(size, name, baseRegister, src.Number, offset, AtomicOperation.CompareExchange));
    }

    private ParsedInstruction ParseLddwPseudo(Register dst, LddwSource source)
    {
        var name = Next();
        if (!dst.Is64) throw Error(dst.Token, "a 64-bit immediate load needs a 64-bit register (r0-r10)");
        Expect("(");
        int first;
        LabelReference? target = null;
        if (source == LddwSource.Function && Peek.Kind == TokenKind.Identifier)
        {
            var label = Next();
            target = new LabelReference(label.Text, LabelField.Immediate, label.Column);
            first = 0;
        }
        else
        {
            first = ExpectImmediate32("an immediate");
        }
        int second = 0;
        if (InstructionSyntax.LddwPseudoHasSecondArgument(source))
        {
            Expect(",");
            second = ExpectImmediate32("an immediate");
        }
        Expect(")");
        if (!Peek.IsIdentifier("ll")) throw Error(Peek, $"expected 'll' after {name.Text}(…), found {Peek.Describe()}");
        _position++;
        var lo = new Instruction(Opcodes.Lddw, (byte)dst.Number, (byte)source, 0, first);
        return new ParsedInstruction(lo, new Instruction(0, 0, 0, 0, second), target);
    }

    /// <summary>
    /// <c>r2 = callback ll</c>, LLVM's way to write a function's address: a function reference (<c>lddw</c> source 4,
    /// BPF_PSEUDO_FUNC) to the label, as a linker turns clang's relocation into.
    /// </summary>
    private ParsedInstruction ParseFunctionAddress(Register dst)
    {
        var label = Next();
        _position++; // ll
        if (!dst.Is64) throw Error(dst.Token, "a 64-bit immediate load needs a 64-bit register (r0-r10)");
        var lo = new Instruction(Opcodes.Lddw, (byte)dst.Number, (byte)LddwSource.Function, 0, 0);
        return new ParsedInstruction(lo, new Instruction(0, 0, 0, 0, 0), new LabelReference(label.Text, LabelField.Immediate, label.Column));
    }

    /// <summary>
    /// <c>ld_pseudo r2, 4, 8</c>: how <c>llvm-objdump</c> prints a <c>lddw</c> whose source field is set (register,
    /// source, first immediate; the second immediate is 0).
    /// </summary>
    private ParsedInstruction ParseLdPseudo()
    {
        var dst = ExpectRegister(wide: true);
        Expect(",");
        var (source, sourceToken) = ExpectSignedNumber("a pseudo source (1 to 6)");
        if (source < 1 || source > (int)LddwSource.MapValueByIndex) throw Error(sourceToken, $"ld_pseudo source {source} is not a known pseudo form (1 to 6)");
        Expect(",");
        int imm = ExpectImmediate32("an immediate");
        var lo = new Instruction(Opcodes.Lddw, (byte)dst.Number, (byte)source, 0, imm);
        return new ParsedInstruction(lo, new Instruction(0, 0, 0, 0, 0), null);
    }

    // ---- statements that start with a keyword or '*' -------------------------------------------------------

    private ParsedInstruction ParseStore()
    {
        _position++;
        var (_, size) = ParseAccessType(allowSigned: false);
        var (baseRegister, offset) = ParseParenthesizedAddress();
        Expect("=");
        if (IsRegisterToken(Peek))
        {
            var src = ExpectRegister(wide: null);
            var stx = (byte)((byte)InstructionClass.Stx | (byte)AccessMode.Memory | (byte)size);
            return Single(new Instruction(stx, (byte)baseRegister, (byte)src.Number, offset, 0));
        }
        int imm = ExpectImmediate32($"{RegisterExpectation} or an immediate");
        var st = (byte)((byte)InstructionClass.St | (byte)AccessMode.Memory | (byte)size);
        return Single(new Instruction(st, (byte)baseRegister, 0, offset, imm));
    }

    private ParsedInstruction ParseLock()
    {
        var star = Peek;
        Expect("*");
        var (_, size) = ParseAccessType(allowSigned: false);
        var (baseRegister, offset) = ParseParenthesizedAddress();
        var op = Next();
        var operation = op.Text switch
        {
            "+=" => AtomicOperation.Add,
            "|=" => AtomicOperation.Or,
            "&=" => AtomicOperation.And,
            "^=" => AtomicOperation.Xor,
            _ => throw Error(op, $"expected one of '+=', '|=', '&=', '^=', found {op.Describe()}"),
        };
        var src = ExpectRegister(wide: null);
        return Single(Atomic(size, star, baseRegister, src.Number, offset, operation));
    }

    private ParsedInstruction ParseCall()
    {
        var next = Peek;
        if (next.IsIdentifier("pc") && (PeekAt(1).IsOperator("+") || PeekAt(1).IsOperator("-")))
        {
            _position++;
            int distance = ExpectSigned32("a distance such as +3");
            return Single(new Instruction(Opcodes.Call, 0, (byte)CallKind.Local, 0, distance));
        }
        if (next.IsIdentifier("kfunc") && PeekAt(1).IsOperator("("))
        {
            _position += 2;
            int id = ExpectImmediate32("a kernel function id");
            Expect(")");
            return Single(new Instruction(Opcodes.Call, 0, (byte)CallKind.KernelFunction, 0, id));
        }
        if (next.Kind == TokenKind.Identifier && !IsRegisterToken(next))
        {
            _position++;
            var target = new LabelReference(next.Text, LabelField.Immediate, next.Column);
            return new ParsedInstruction(new Instruction(Opcodes.Call, 0, (byte)CallKind.Local, 0, 0), null, target);
        }
        int helper = ExpectImmediate32("a helper id or a label");
        return Single(new Instruction(Opcodes.Call, 0, (byte)CallKind.Helper, 0, helper));
    }

    private ParsedInstruction ParseConditionalJump()
    {
        var dst = ExpectRegister(wide: null);
        var op = Next();
        if (!InstructionSyntax.TryParseJumpOperator(op.Text, out var operation) || op.Kind != TokenKind.Operator)
            throw Error(op, $"expected a comparison such as '==', '!=', '>', 's<' or '&', found {op.Describe()}");
        var cls = dst.Is64 ? InstructionClass.Jmp : InstructionClass.Jmp32;
        byte opcode;
        byte src = 0;
        int imm = 0;
        if (IsRegisterToken(Peek))
        {
            src = (byte)ExpectRegister(wide: dst.Is64).Number;
            opcode = (byte)((byte)cls | (byte)operation | (byte)OperandSource.Register);
        }
        else
        {
            imm = ExpectImmediate32($"{RegisterExpectation} or an immediate");
            opcode = (byte)((byte)cls | (byte)operation | (byte)OperandSource.Immediate);
        }
        var gotoToken = Next();
        if (!gotoToken.IsIdentifier("goto")) throw Error(gotoToken, $"expected 'goto', found {gotoToken.Describe()}");
        return ParseJump(opcode, (byte)dst.Number, src, imm, LabelField.Offset);
    }

    /// <summary>Parses the target of a jump: a signed distance (<c>+3</c>, <c>-5</c>, <c>7</c>) or a label.</summary>
    private ParsedInstruction ParseJump(byte opcode, byte dst, byte src, int imm, LabelField field)
    {
        var next = Peek;
        if (next.Kind == TokenKind.Identifier && !IsRegisterToken(next))
        {
            _position++;
            return new ParsedInstruction(new Instruction(opcode, dst, src, 0, imm), null, new LabelReference(next.Text, field, next.Column));
        }
        if (field == LabelField.Immediate)
            return Single(new Instruction(opcode, dst, src, 0, ExpectSigned32("a jump distance or a label")));
        var (value, token) = ExpectSignedNumber("a jump distance or a label");
        return Single(new Instruction(opcode, dst, src, ToOffset(value, token), imm));
    }

    // ---- pieces -------------------------------------------------------------------------------------------

    /// <summary>Parses <c>*(u32 *)</c> after the leading '*' (or '(' for atomics): the mode and width of an access.</summary>
    private (AccessMode Mode, AccessSize Size) ParseAccessType(bool allowSigned)
    {
        if (Peek.IsOperator("*")) _position++;
        Expect("(");
        var type = Next();
        (bool signed, int bits) = type.Kind != TokenKind.Identifier ? (false, 0) : type.Text switch
        {
            "u8" => (false, 8), "u16" => (false, 16), "u32" => (false, 32), "u64" => (false, 64),
            "s8" => (true, 8), "s16" => (true, 16), "s32" => (true, 32),
            _ => (false, 0),
        };
        if (allowSigned && type.IsIdentifier("s64")) throw Error(type, "there is no sign-extending 64-bit load; use u64");
        if (bits == 0 || (signed && !allowSigned))
            throw Error(type, $"expected an access type ({(allowSigned ? "u8, u16, u32, u64, s8, s16 or s32" : "u8, u16, u32 or u64")}), found {type.Describe()}");
        InstructionSyntax.TryParseBits(bits, out var size);
        Expect("*");
        Expect(")");
        return (signed ? AccessMode.MemorySignExtend : AccessMode.Memory, size);
    }

    /// <summary>Parses <c>(r1 + 8)</c> or <c>(r10 - 8)</c>.</summary>
    private (int Register, short Offset) ParseParenthesizedAddress()
    {
        Expect("(");
        var address = ParseAddress();
        Expect(")");
        return address;
    }

    /// <summary>Parses <c>r1 + 8</c> or <c>r10 - 8</c>.</summary>
    private (int Register, short Offset) ParseAddress()
    {
        var register = ExpectRegister(wide: true);
        var sign = Peek;
        if (!sign.IsOperator("+") && !sign.IsOperator("-")) throw Error(sign, $"expected '+' or '-' and an offset, found {sign.Describe()}");
        var (value, token) = ExpectSignedNumber("an offset");
        return (register.Number, ToOffset(value, token));
    }

    private readonly record struct Register(int Number, bool Is64, Token Token);

    /// <summary>Reads a register; <paramref name="wide"/> true demands r, false demands w, null takes either.</summary>
    private Register ExpectRegister(bool? wide)
    {
        var token = Next();
        if (token.Kind != TokenKind.Identifier || !TryReadRegisterName(token.Text, out bool is64, out int number))
        {
            string expectation = wide == false ? "a 32-bit register (w0-w10)" : RegisterExpectation;
            throw Error(token, $"expected {expectation}, found {token.Describe()}");
        }
        if (number > ProgramValidator.FramePointer)
            throw Error(token, $"invalid register '{token.Text}'; registers are r0 to r10 (w0 to w10 for 32 bits)");
        if (wide is { } expected && expected != is64)
            throw Error(token, expected ? $"expected a 64-bit register (r0-r10), found '{token.Text}'" : $"expected a 32-bit register (w0-w10), found '{token.Text}'");
        return new Register(number, is64, token);
    }

    private void ExpectSameRegister(Register expected, string rule)
    {
        var token = Peek;
        var actual = ExpectRegister(wide: null);
        if (actual.Number != expected.Number || actual.Is64 != expected.Is64)
            throw Error(token, $"expected '{expected.Token.Text}', found '{token.Text}': {rule}");
    }

    private static bool IsRegisterToken(Token token) =>
        token.Kind == TokenKind.Identifier && TryReadRegisterName(token.Text, out _, out _);

    private static bool TryReadRegisterName(string text, out bool is64, out int number)
    {
        is64 = text.Length > 0 && text[0] == 'r';
        number = -1;
        if (text.Length < 2 || text.Length > 4 || text[0] is not ('r' or 'w')) return false;
        foreach (char c in text.AsSpan(1))
            if (!char.IsAsciiDigit(c)) return false;
        number = int.Parse(text.AsSpan(1));
        return true;
    }

    /// <summary>Reads an optionally signed number (<c>5</c>, <c>-0x8</c>, <c>+3</c>); returns it and its first token.</summary>
    private (Int128 Value, Token Token) ExpectSignedNumber(string expectation)
    {
        var first = Next();
        var number = first;
        bool negative = false;
        if (first.IsOperator("-") || first.IsOperator("+"))
        {
            negative = first.Text == "-";
            number = Next();
        }
        if (number.Kind != TokenKind.Number) throw Error(number, $"expected {expectation}, found {number.Describe()}");
        Int128 magnitude = number.Value;
        return (negative ? -magnitude : magnitude, first);
    }

    private int ExpectImmediate32(string expectation)
    {
        var (value, token) = ExpectSignedNumber(expectation);
        return ToImmediate32(value, token);
    }

    private int ExpectSigned32(string expectation)
    {
        var (value, token) = ExpectSignedNumber(expectation);
        if (value < int.MinValue || value > int.MaxValue)
            throw Error(token, $"{value} is out of range: a 32-bit distance is -2147483648 to 2147483647");
        return (int)value;
    }

    private int ToImmediate32(Int128 value, Token token)
    {
        if (value < Immediate32Min || value > Immediate32Max)
            throw Error(token, $"{value} is out of range: a 32-bit immediate is -2147483648 to 4294967295");
        return unchecked((int)(uint)(ulong)(value & uint.MaxValue));
    }

    private short ToOffset(Int128 value, Token token)
    {
        if (value < short.MinValue || value > short.MaxValue)
            throw Error(token, $"{value} is out of range: a 16-bit offset is -32768 to 32767");
        return (short)value;
    }

    private ulong ToImmediate64(Int128 value, Token token)
    {
        if (value < long.MinValue || value > ulong.MaxValue)
            throw Error(token, $"{value} is out of range: a 64-bit immediate is -9223372036854775808 to 18446744073709551615");
        return unchecked((ulong)(value & ulong.MaxValue));
    }

    private static bool TryParseByteSwap(string text, out InstructionClass cls, out OperandSource order, out int bits)
    {
        (cls, order, bits) = text switch
        {
            "le16" => (InstructionClass.Alu, OperandSource.Immediate, 16),
            "le32" => (InstructionClass.Alu, OperandSource.Immediate, 32),
            "le64" => (InstructionClass.Alu, OperandSource.Immediate, 64),
            "be16" => (InstructionClass.Alu, OperandSource.Register, 16),
            "be32" => (InstructionClass.Alu, OperandSource.Register, 32),
            "be64" => (InstructionClass.Alu, OperandSource.Register, 64),
            "bswap16" => (InstructionClass.Alu64, OperandSource.Immediate, 16),
            "bswap32" => (InstructionClass.Alu64, OperandSource.Immediate, 32),
            "bswap64" => (InstructionClass.Alu64, OperandSource.Immediate, 64),
            _ => (default, default, 0),
        };
        return bits != 0;
    }

    private static bool TryParseLddwPseudo(string text, out LddwSource source)
    {
        for (var candidate = LddwSource.MapByFd; candidate <= LddwSource.MapValueByIndex; candidate++)
        {
            if (InstructionSyntax.LddwPseudoName(candidate) == text)
            {
                source = candidate;
                return true;
            }
        }
        source = default;
        return false;
    }

    private Instruction Atomic(AccessSize size, Token where, int baseRegister, int src, short offset, AtomicOperation operation)
    {
        if (size is not (AccessSize.Word or AccessSize.DoubleWord)) throw Error(where, "atomic operations work on u32 or u64");
        var opcode = (byte)((byte)InstructionClass.Stx | (byte)AccessMode.Atomic | (byte)size);
        return new Instruction(opcode, (byte)baseRegister, (byte)src, offset, (int)operation);
    }

    private static Instruction Alu(InstructionClass cls, AluOperation operation, OperandSource source, Register dst, int src, short offset, int imm) =>
        new((byte)((byte)cls | (byte)operation | (byte)source), (byte)dst.Number, (byte)src, offset, imm);

    private static Instruction RawSlot(ulong value)
    {
        Span<byte> bytes = stackalloc byte[Instruction.Size];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return Instruction.Decode(bytes);
    }

    private static ParsedInstruction Single(Instruction instruction) => new(instruction, null, null);

    private Token Peek => _tokens[_position];

    private Token PeekAt(int ahead) => _tokens[Math.Min(_position + ahead, _tokens.Count - 1)];

    private Token Next()
    {
        var token = _tokens[_position];
        if (token.Kind != TokenKind.End) _position++;
        return token;
    }

    private void Expect(string op)
    {
        var token = Next();
        if (!token.IsOperator(op)) throw Error(token, $"expected '{op}', found {token.Describe()}");
    }

    private AssemblerException Error(Token token, string reason) => new(_line, token.Column, reason);
}
