using CsCheck;
using Ebpf.Isa;

namespace Ebpf.Tests.Runtime.Differential;

/// <summary>
/// Generates random, valid programs that exercise arithmetic, jumps, loads and stores (inside and outside memory),
/// atomics, bounded and unbounded loops, bpf-to-bpf calls and <c>bpf_loop</c> callbacks. r9 holds the memory pointer
/// and is never written (a callback sets it from its context argument, which is the memory); everything else is
/// fair game, so programs may fault — the engines must then fault identically.
/// </summary>
internal static class ProgramGenerator
{
    public const int MemorySize = 64;

    private static readonly byte[] AluOps = [0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xa0, 0xb0, 0xc0, 0xd0];
    private static readonly byte[] JumpOps = [0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0xa0, 0xb0, 0xc0, 0xd0];
    private static readonly int[] AtomicOps = [0x00, 0x01, 0x40, 0x41, 0x50, 0x51, 0xa0, 0xa1, 0xe1, 0xf1];
    private static readonly ulong[] Interesting =
        [0, 1, 2, 7, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000,
         0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff, 0xfffffffffffffffe, 0x123456789abcdef0];

    private static readonly Gen<ulong> Value = Gen.OneOf(Gen.ULong, Gen.OneOfConst(Interesting), Gen.ULong[0, 16]);
    private static readonly Gen<byte> Destination = Gen.Byte[0, 8];
    // r9 (memory) and r10 (stack) hold addresses that differ between runs; values only come from r0-r8.
    private static readonly Gen<byte> Source = Gen.Byte[0, 8];

    /// <summary>A complete program: set-up of r0–r8, a random body, exit; sometimes a local function after it.</summary>
    public static readonly Gen<Bytecode> Program =
        from seeds in Value.Array[9]
        from body in Block(depth: 0).Array[4, 24]
        from withFunction in Gen.Bool
        from functionBody in Block(depth: 1).Array[1, 8]
        from withCallback in Gen.Bool
        from callbackBody in Block(depth: 1).Array[1, 6]
        select Assemble(seeds, body, withFunction ? functionBody : null, withCallback ? callbackBody : null);

    private static Gen<Piece[]> Block(int depth) => depth == 0
        ? Gen.Frequency((10, Alu), (4, Memory), (2, Atomic), (3, ForwardJump), (1, Loop), (2, Gen.Const(new[] { Piece.CallFunction })), (1, LoopCallback))
        : Gen.Frequency((10, Alu), (4, Memory), (2, Atomic), (3, ForwardJump), (1, Loop));

    /// <summary>bpf_loop(count, callback, memory, 0): the callback's r0 decides whether the loop goes on.</summary>
    private static readonly Gen<Piece[]> LoopCallback =
        from count in Gen.Int[0, 6]
        select new[] { Piece.CallBack(count) };

    private static readonly Gen<Piece[]> Alu =
        from op in Gen.OneOfConst(AluOps)
        from is64 in Gen.Bool
        from byRegister in Gen.Bool
        from dst in Destination
        from src in Source
        from imm in Gen.Int
        from signed in Gen.Bool
        from extension in Gen.OneOfConst<short>(0, 8, 16, 32)
        from width in Gen.OneOfConst(16, 32, 64)
        select new[] { Piece.Of(AluInstruction(op, is64, byRegister, dst, src, imm, signed, extension, width)) };

    private static Instruction AluInstruction(byte op, bool is64, bool byRegister, byte dst, byte src, int imm, bool signed, short extension, int width)
    {
        byte cls = (byte)(is64 ? 0x07 : 0x04);
        switch (op)
        {
            case 0x80: return new Instruction((byte)(op | cls), dst, 0, 0, 0);
            case 0xd0:
                byte swap = is64 ? (byte)0xd7 : (byte)(byRegister ? 0xdc : 0xd4);
                return new Instruction(swap, dst, 0, 0, width);
            case 0xb0 when byRegister:
                short offset = is64 ? extension : (short)(extension == 32 ? 0 : extension);
                return new Instruction((byte)(op | cls | 0x08), dst, src, offset, 0);
            case 0x30 or 0x90:
                return byRegister ? new Instruction((byte)(op | cls | 0x08), dst, src, (short)(signed ? 1 : 0), 0)
                    : new Instruction((byte)(op | cls), dst, 0, (short)(signed ? 1 : 0), imm);
            default:
                return byRegister ? new Instruction((byte)(op | cls | 0x08), dst, src, 0, 0)
                    : new Instruction((byte)(op | cls), dst, 0, 0, op is 0x60 or 0x70 or 0xc0 ? imm & 0x7f : imm);
        }
    }

    private static readonly Gen<short> MemoryOffset = Gen.Frequency((8, Gen.Short[0, MemorySize - 1]), (1, Gen.Short[-16, MemorySize + 16]));
    private static readonly Gen<short> StackOffset = Gen.Frequency((8, Gen.Short[-512, -1]), (1, Gen.Short[-530, 16]));

    private static readonly Gen<Piece[]> Memory =
        from onStack in Gen.Bool
        from offset in MemoryOffset
        from stackOffset in StackOffset
        from size in Gen.OneOfConst<byte>(0x00, 0x08, 0x10, 0x18)
        from kind in Gen.Int[0, 3]
        from dst in Destination
        from src in Source
        from imm in Gen.Int
        from signExtend in Gen.Bool
        select new[] { Piece.Of(MemoryInstruction(onStack ? (byte)10 : (byte)9, onStack ? stackOffset : offset, size, kind, dst, src, imm, signExtend)) };

    private static Instruction MemoryInstruction(byte baseRegister, short offset, byte size, int kind, byte dst, byte src, int imm, bool signExtend) => kind switch
    {
        0 => new Instruction((byte)(0x61 | size), dst, baseRegister, offset, 0),
        1 when signExtend && size != 0x18 => new Instruction((byte)(0x81 | size), dst, baseRegister, offset, 0),
        1 => new Instruction((byte)(0x61 | size), dst, baseRegister, offset, 0),
        2 => new Instruction((byte)(0x62 | size), baseRegister, 0, offset, imm),
        _ => new Instruction((byte)(0x63 | size), baseRegister, src, offset, 0),
    };

    private static readonly Gen<Piece[]> Atomic =
        from onStack in Gen.Bool
        from slot in Gen.Int[0, MemorySize / 8 - 1]
        from misaligned in Gen.Frequency((12, Gen.Const(0)), (1, Gen.Int[1, 3]))
        from is64 in Gen.Bool
        from op in Gen.OneOfConst(AtomicOps)
        from src in Source
        select new[] { Piece.Of(new Instruction(is64 ? Opcodes.Atomic64 : Opcodes.Atomic32, onStack ? (byte)10 : (byte)9, src,
            (short)((onStack ? -8 - slot * 8 : slot * 8) + misaligned), op)) };

    private static readonly Gen<Piece[]> ForwardJump =
        from op in Gen.OneOfConst(JumpOps)
        from is32 in Gen.Bool
        from byRegister in Gen.Bool
        from dst in Source
        from src in Source
        from imm in Gen.OneOf(Gen.Int, Gen.Int[-4, 4])
        from skip in Gen.Int[0, 3]
        select new[] { Piece.Jump(new Instruction((byte)(op | (is32 ? 0x06 : 0x05) | (byRegister ? 0x08 : 0)), dst, byRegister ? src : (byte)0, 0, byRegister ? 0 : imm), skip) };

    /// <summary>r8 counts down from a small number; the body may change r8, so some loops never end (budget faults).</summary>
    private static readonly Gen<Piece[]> Loop =
        from count in Gen.Int[1, 20]
        from body in Alu.Array[1, 4]
        select new[] { Piece.Of(new Instruction(0xb7, 8, 0, 0, count)) }
            .Concat(body.SelectMany(p => p))
            .Concat([Piece.Of(new Instruction(0x17, 8, 0, 0, 1)), Piece.BackJump(new Instruction(0x55, 8, 0, 0, 0), body.Sum(p => p.Length) + 1)])
            .ToArray();

    private static Bytecode Assemble(ulong[] seeds, Piece[][] body, Piece[][]? function, Piece[][]? callback)
    {
        var main = new List<Piece> { Piece.Of(new Instruction(0xbf, 9, 1, 0, 0)) };
        for (byte register = 0; register < 9; register++) main.Add(Piece.Wide(register, seeds[register]));
        main.AddRange(body.SelectMany(b => b));
        main.Add(Piece.Of(new Instruction(Opcodes.Exit, 0, 0, 0, 0)));
        var functionPieces = function?.SelectMany(b => b).Where(p => p.Kind != PieceKind.CallFunction).ToList();
        functionPieces?.Add(Piece.Of(new Instruction(Opcodes.Exit, 0, 0, 0, 0)));
        List<Piece>? callbackPieces = null;
        if (callback is not null)
        {
            // r9 = the context argument (the memory), so the callback's loads and stores mean what they do in main.
            // r2 is cleared: addresses differ between runs, so no other register may hold one.
            callbackPieces = [Piece.Of(new Instruction(0xbf, 9, 2, 0, 0)), Piece.Of(new Instruction(0xb7, 2, 0, 0, 0)), .. callback.SelectMany(b => b)];
            callbackPieces.Add(Piece.Of(new Instruction(Opcodes.Exit, 0, 0, 0, 0)));
        }
        return Layout(main, functionPieces, callbackPieces);
    }

    private static Bytecode Layout(List<Piece> main, List<Piece>? function, List<Piece>? callback)
    {
        // Slot index of every piece, then resolve jumps (in pieces), calls (to the function's first slot) and
        // callbacks (to the callback's first slot).
        var all = new List<Piece>(main);
        if (function is not null) all.AddRange(function);
        int callbackPiece = all.Count;
        if (callback is not null) all.AddRange(callback);
        var slotOf = new int[all.Count + 1];
        for (int i = 0; i < all.Count; i++) slotOf[i + 1] = slotOf[i] + all[i].Length;
        int functionStart = slotOf[main.Count];
        int callbackStart = slotOf[callbackPiece];
        int[] regionEnds = [main.Count - 1, callbackPiece - 1, all.Count - 1]; // the exit of each region
        var slots = new List<Instruction>();
        for (int i = 0; i < all.Count; i++)
        {
            var piece = all[i];
            int lastOfRegion = regionEnds.First(end => i <= end);
            switch (piece.Kind)
            {
                case PieceKind.CallBack when callback is null:
                    for (int filler = 0; filler < piece.Length; filler++) slots.Add(new Instruction(0xb7, 0, 0, 0, 0));
                    break;
                case PieceKind.CallBack:
                    slots.Add(new Instruction(0xb7, 1, 0, 0, piece.Distance));
                    int lddw = slotOf[i] + 1;
                    slots.Add(new Instruction(Opcodes.Lddw, 2, (byte)LddwSource.Function, 0, callbackStart - lddw - 1));
                    slots.Add(new Instruction(0, 0, 0, 0, 0));
                    slots.Add(new Instruction(0xbf, 3, 9, 0, 0));
                    slots.Add(new Instruction(0xb7, 4, 0, 0, 0));
                    slots.Add(new Instruction(Opcodes.Call, 0, (byte)CallKind.Helper, 0, 181));
                    slots.Add(new Instruction(0xb7, 3, 0, 0, 0)); // r3 held the memory's address
                    break;
                case PieceKind.Jump:
                    int target = Math.Min(i + 1 + piece.Distance, lastOfRegion);
                    slots.Add(WithOffset(piece.First, slotOf[target] - slotOf[i] - 1));
                    break;
                case PieceKind.BackJump:
                    slots.Add(WithOffset(piece.First, slotOf[i - piece.Distance] - slotOf[i] - 1));
                    break;
                case PieceKind.CallFunction:
                    slots.Add(function is null ? new Instruction(0xb7, 0, 0, 0, 0)
                        : new Instruction(Opcodes.Call, 0, (byte)CallKind.Local, 0, functionStart - slotOf[i] - 1));
                    break;
                default:
                    slots.Add(piece.First);
                    if (piece.Second is { } second) slots.Add(second);
                    break;
            }
        }
        return new Bytecode(slots);
    }

    private static Instruction WithOffset(Instruction insn, int offset) =>
        new(insn.Opcode, insn.Destination, insn.Source, (short)offset, insn.Immediate);

    private enum PieceKind { Plain, Jump, BackJump, CallFunction, CallBack }

    private readonly record struct Piece(PieceKind Kind, Instruction First, Instruction? Second, int Distance)
    {
        /// <summary>Slots: a callback call is r1 = count, r2 = callback (lddw), r3 = r9, r4 = 0, call bpf_loop, r3 = 0.</summary>
        public int Length => Kind == PieceKind.CallBack ? 7 : Second is null ? 1 : 2;

        public static Piece CallBack(int count) => new(PieceKind.CallBack, default, null, count);

        public static Piece Of(Instruction insn) => new(PieceKind.Plain, insn, null, 0);

        public static Piece Wide(byte register, ulong value)
        {
            var (first, second) = Instruction.Lddw(register, value);
            return new(PieceKind.Plain, first, second, 0);
        }

        public static Piece Jump(Instruction insn, int skip) => new(PieceKind.Jump, insn, null, skip);

        public static Piece BackJump(Instruction insn, int distance) => new(PieceKind.BackJump, insn, null, distance);

        public static Piece CallFunction => new(PieceKind.CallFunction, default, null, 0);
    }
}
