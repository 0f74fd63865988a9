namespace Ebpf.Isa.Text;

/// <summary>
/// The words and operators of LLVM's eBPF assembly syntax, shared by the <see cref="Disassembler"/> and the
/// <see cref="Assembler"/> so that both sides always agree on the spelling.
/// </summary>
internal static class InstructionSyntax
{
    /// <summary>The directive that stands for one raw slot that has no instruction text: <c>.quad 0x…</c>.</summary>
    public const string RawSlotDirective = ".quad";

    /// <summary>The compound assignment operator of an arithmetic operation (<c>+=</c>), or null for mov, neg and end.</summary>
    public static string? AluOperator(AluOperation operation, bool signed) => operation switch
    {
        AluOperation.Add => "+=",
        AluOperation.Sub => "-=",
        AluOperation.Mul => "*=",
        AluOperation.Div => signed ? "s/=" : "/=",
        AluOperation.Or => "|=",
        AluOperation.And => "&=",
        AluOperation.Lsh => "<<=",
        AluOperation.Rsh => ">>=",
        AluOperation.Mod => signed ? "s%=" : "%=",
        AluOperation.Xor => "^=",
        AluOperation.Arsh => "s>>=",
        _ => null,
    };

    /// <summary>The arithmetic operation and signedness of a compound assignment operator, if it is one.</summary>
    public static bool TryParseAluOperator(string text, out AluOperation operation, out bool signed)
    {
        signed = text is "s/=" or "s%=";
        (bool known, operation) = text switch
        {
            "+=" => (true, AluOperation.Add),
            "-=" => (true, AluOperation.Sub),
            "*=" => (true, AluOperation.Mul),
            "/=" or "s/=" => (true, AluOperation.Div),
            "|=" => (true, AluOperation.Or),
            "&=" => (true, AluOperation.And),
            "<<=" => (true, AluOperation.Lsh),
            ">>=" => (true, AluOperation.Rsh),
            "%=" or "s%=" => (true, AluOperation.Mod),
            "^=" => (true, AluOperation.Xor),
            "s>>=" => (true, AluOperation.Arsh),
            _ => (false, default),
        };
        return known;
    }

    /// <summary>The comparison operator of a conditional jump (<c>s&gt;=</c>), or null for ja, call and exit.</summary>
    public static string? JumpOperator(JumpOperation operation) => operation switch
    {
        JumpOperation.Jeq => "==",
        JumpOperation.Jgt => ">",
        JumpOperation.Jge => ">=",
        JumpOperation.Jset => "&",
        JumpOperation.Jne => "!=",
        JumpOperation.Jsgt => "s>",
        JumpOperation.Jsge => "s>=",
        JumpOperation.Jlt => "<",
        JumpOperation.Jle => "<=",
        JumpOperation.Jslt => "s<",
        JumpOperation.Jsle => "s<=",
        _ => null,
    };

    /// <summary>The conditional jump of a comparison operator, if it is one.</summary>
    public static bool TryParseJumpOperator(string text, out JumpOperation operation)
    {
        foreach (var candidate in ConditionalJumps)
        {
            if (JumpOperator(candidate) == text)
            {
                operation = candidate;
                return true;
            }
        }
        operation = default;
        return false;
    }

    private static readonly JumpOperation[] ConditionalJumps =
    [
        JumpOperation.Jeq, JumpOperation.Jgt, JumpOperation.Jge, JumpOperation.Jset, JumpOperation.Jne, JumpOperation.Jsgt,
        JumpOperation.Jsge, JumpOperation.Jlt, JumpOperation.Jle, JumpOperation.Jslt, JumpOperation.Jsle,
    ];

    /// <summary>The number of bits of an access width: 8, 16, 32 or 64.</summary>
    public static int Bits(AccessSize size) => Opcodes.Bytes(size) * 8;

    /// <summary>The access width with the given number of bits, if there is one.</summary>
    public static bool TryParseBits(int bits, out AccessSize size)
    {
        (bool known, size) = bits switch
        {
            8 => (true, AccessSize.Byte),
            16 => (true, AccessSize.HalfWord),
            32 => (true, AccessSize.Word),
            64 => (true, AccessSize.DoubleWord),
            _ => (false, default),
        };
        return known;
    }

    /// <summary>The name of a non-fetching atomic operation's compound operator (<c>+=</c> for add), or null.</summary>
    public static string? AtomicOperator(AtomicOperation operation) => operation switch
    {
        AtomicOperation.Add => "+=",
        AtomicOperation.Or => "|=",
        AtomicOperation.And => "&=",
        AtomicOperation.Xor => "^=",
        _ => null,
    };

    /// <summary>The function-like name of a fetching atomic operation (<c>atomic_fetch_add</c>), or null.</summary>
    public static string? AtomicFetchName(AtomicOperation operation) => operation switch
    {
        AtomicOperation.FetchAdd => "atomic_fetch_add",
        AtomicOperation.FetchOr => "atomic_fetch_or",
        AtomicOperation.FetchAnd => "atomic_fetch_and",
        AtomicOperation.FetchXor => "atomic_fetch_xor",
        _ => null,
    };

    /// <summary>The name LLVM gives the exchange of the given width: <c>xchg_64</c> or <c>xchg32_32</c>.</summary>
    public static string ExchangeName(bool is64) => is64 ? "xchg_64" : "xchg32_32";

    /// <summary>The name LLVM gives the compare-and-exchange of the given width: <c>cmpxchg_64</c> or <c>cmpxchg32_32</c>.</summary>
    public static string CompareExchangeName(bool is64) => is64 ? "cmpxchg_64" : "cmpxchg32_32";

    /// <summary>The function-like name of a <c>lddw</c> pseudo source (<c>map_fd</c>), or null for a plain immediate.</summary>
    public static string? LddwPseudoName(LddwSource source) => source switch
    {
        LddwSource.MapByFd => "map_fd",
        LddwSource.MapValueByFd => "map_value",
        LddwSource.BtfVariable => "btf_id",
        LddwSource.Function => "func",
        LddwSource.MapByIndex => "map_idx",
        LddwSource.MapValueByIndex => "map_idx_value",
        _ => null,
    };

    /// <summary>Whether a <c>lddw</c> pseudo source uses the second slot's immediate, written as a second argument.</summary>
    public static bool LddwPseudoHasSecondArgument(LddwSource source) =>
        source is LddwSource.MapValueByFd or LddwSource.BtfVariable or LddwSource.MapValueByIndex;
}
