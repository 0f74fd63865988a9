using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Ebpf.Helpers;
using Ebpf.Isa;

namespace Ebpf.Runtime;

/// <summary>
/// The reference engine: executes bytecode one instruction at a time with the exact semantics of RFC 9669 and
/// the Linux kernel. Every load and store is checked against the run's memory regions, every run has an
/// instruction budget, and bpf-to-bpf calls get their own 512-byte stack frames. Thread-safe: concurrent runs
/// each get their own registers and stack.
/// </summary>
[SkipLocalsInit]
public sealed unsafe partial class Interpreter : IExecutableProgram
{
    private const int StackBytes = ExecutionLimits.StackBytesPerFrame * ExecutionLimits.MaxCallFrames;

    private readonly Instruction[] _code;
    private readonly ulong[] _wideImmediates;
    private readonly HelperTable _helpers;
    private readonly HelperFunction?[] _helperBySlot;
    private readonly long _budget;
    private readonly ProgramMaps _maps;
    private readonly int[] _contextPointerFields;
    private readonly InterpreterCallbacks? _callbacks;

    /// <summary>
    /// An opcode no valid program has (class LDX, mode IMM): the interpreter marks with it the 4-byte loads whose
    /// offset is a context pointer field, so they can hand out the host pointer instead.
    /// </summary>
    private const byte ContextCandidateLoad = 0x01;

    /// <summary>Validates and prepares a program.</summary>
    /// <exception cref="MalformedProgramException">The program breaks RFC 9669's encoding rules.</exception>
    /// <exception cref="ProgramLoadException">The program calls an unknown helper or needs maps it was not given.</exception>
    public Interpreter(Bytecode program, ExecutionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        options ??= new ExecutionOptions();
        ProgramValidator.EnsureValid(program);
        _code = program.Slots.ToArray();
        _wideImmediates = new ulong[_code.Length];
        _helperBySlot = new HelperFunction?[_code.Length];
        _helpers = options.Helpers;
        _budget = options.InstructionBudget;
        _maps = options.Maps.Count == 0 ? ProgramMaps.None : new ProgramMaps(options.Maps);
        _contextPointerFields = [.. options.ContextPointerFields];
        Prepare();
        _callbacks = CallbackTargets() is { } functions ? new InterpreterCallbacks(this, functions) : null;
    }

    /// <inheritdoc />
    public string EngineName => "interpreter";

    private void Prepare()
    {
        for (int pc = 0; pc < _code.Length; pc++)
        {
            var insn = _code[pc];
            if (insn.IsLddw)
            {
                _wideImmediates[pc] = _maps.ResolveLddw(insn, _code[pc + 1], pc);
                pc++;
            }
            else if (insn.Opcode == 0x61 && Array.IndexOf(_contextPointerFields, (int)insn.Offset) is int field and >= 0)
            {
                _code[pc] = new Instruction(ContextCandidateLoad, insn.Destination, insn.Source, insn.Offset, field);
            }
            else if (insn.Opcode == Opcodes.Call && insn.Source == (byte)CallKind.Helper)
            {
                if (!_helpers.TryGet(insn.Immediate, out var helper))
                    throw new ProgramLoadException(pc, $"call to unknown helper id {insn.Immediate}; register it in the HelperTable given to the engine");
                _helperBySlot[pc] = helper.Implementation;
            }
            else if (insn.Opcode == Opcodes.Call && insn.Source == (byte)CallKind.KernelFunction)
            {
                throw new ProgramLoadException(pc, $"call to kernel function (kfunc) with BTF id {insn.Immediate}; kfuncs exist only in the Linux kernel");
            }
        }
    }

    private struct Frame
    {
        public ulong R6, R7, R8, R9;
        public int ReturnIndex;
    }

    /// <inheritdoc />
    public ulong Run(RunContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!ReferenceEquals(context.ProgramMaps, _maps)) context.ProgramMaps = _maps;
        ulong r0;
        if (!_maps.NeedsReclamation)
        {
            r0 = Execute(context);
        }
        else
        {
            using var scope = Ebpf.Maps.MapReclamation.EnterRun();
            r0 = Execute(context);
        }
        return context.PendingTailCall is null ? r0 : context.FinishTailCalls(r0);
    }

    private ulong Execute(RunContext context)
    {
        byte* stack = stackalloc byte[StackBytes];
        ulong* r = stackalloc ulong[11];
        Frame* frames = stackalloc Frame[ExecutionLimits.MaxCallFrames];

        ulong stackHigh = (ulong)(stack + StackBytes);
        ulong stackLow = stackHigh - ExecutionLimits.StackBytesPerFrame;
        new Span<byte>((void*)stackLow, ExecutionLimits.StackBytesPerFrame).Clear();
        r[0] = 0;
        r[1] = context.R1; r[2] = context.R2; r[3] = context.R3; r[4] = context.R4; r[5] = context.R5;
        r[6] = r[7] = r[8] = r[9] = 0;
        r[10] = stackHigh;
        context.StackLow = stackLow;
        context.StackHigh = stackHigh;
        context.InstructionsExecuted = 0;
        if (!ReferenceEquals(context.Callbacks, _callbacks)) context.Callbacks = _callbacks;
        return Loop(context, r, frames, 0, 0, out _);
    }

    /// <summary>
    /// Executes from <paramref name="pc"/> in the frame at <paramref name="baseDepth"/> (r10 in <paramref name="r"/>)
    /// until that frame exits, counting on from <see cref="RunContext.InstructionsExecuted"/>. <paramref name="ended"/>
    /// tells when the program ended early instead (a tail call, or a legacy packet load out of bounds).
    /// </summary>
    private ulong Loop(RunContext context, ulong* r, Frame* frames, int pc, int baseDepth, out bool ended)
    {
        ended = false;
        ulong stackHigh = context.StackHigh;
        ulong stackLow = r[10] - ExecutionLimits.StackBytesPerFrame;
        int depth = baseDepth;
        long executed = context.InstructionsExecuted;
        long budget = _budget;
        try
        {
            fixed (Instruction* code = _code)
            {
                while (true)
                {
                    if (executed == budget) throw MemoryFaults.BudgetExhausted(pc, budget);
                    executed++;
                    Instruction insn = code[pc];
                    int dst = insn.Destination;
                    int src = insn.Source;
                    int current = pc++;
                    switch (insn.Opcode)
                    {
                        // ---- 64-bit arithmetic, immediate operand (sign-extended) ----
                        case 0x07: r[dst] += (ulong)(long)insn.Immediate; break;
                        case 0x17: r[dst] -= (ulong)(long)insn.Immediate; break;
                        case 0x27: r[dst] *= (ulong)(long)insn.Immediate; break;
                        case 0x37: r[dst] = Divide64(r[dst], (ulong)(long)insn.Immediate, insn.Offset); break;
                        case 0x47: r[dst] |= (ulong)(long)insn.Immediate; break;
                        case 0x57: r[dst] &= (ulong)(long)insn.Immediate; break;
                        case 0x67: r[dst] <<= insn.Immediate & 63; break;
                        case 0x77: r[dst] >>= insn.Immediate & 63; break;
                        case 0x87: r[dst] = (ulong)-(long)r[dst]; break;
                        case 0x97: r[dst] = Modulo64(r[dst], (ulong)(long)insn.Immediate, insn.Offset); break;
                        case 0xa7: r[dst] ^= (ulong)(long)insn.Immediate; break;
                        case 0xb7: r[dst] = (ulong)(long)insn.Immediate; break;
                        case 0xc7: r[dst] = (ulong)((long)r[dst] >> (insn.Immediate & 63)); break;
                        case 0xd7: r[dst] = Arithmetic.ByteSwap(r[dst], insn.Immediate); break;

                        // ---- 64-bit arithmetic, register operand ----
                        case 0x0f: r[dst] += r[src]; break;
                        case 0x1f: r[dst] -= r[src]; break;
                        case 0x2f: r[dst] *= r[src]; break;
                        case 0x3f: r[dst] = Divide64(r[dst], r[src], insn.Offset); break;
                        case 0x4f: r[dst] |= r[src]; break;
                        case 0x5f: r[dst] &= r[src]; break;
                        case 0x6f: r[dst] <<= (int)(r[src] & 63); break;
                        case 0x7f: r[dst] >>= (int)(r[src] & 63); break;
                        case 0x9f: r[dst] = Modulo64(r[dst], r[src], insn.Offset); break;
                        case 0xaf: r[dst] ^= r[src]; break;
                        case 0xbf: r[dst] = SignExtend64(r[src], insn.Offset); break;
                        case 0xcf: r[dst] = (ulong)((long)r[dst] >> (int)(r[src] & 63)); break;

                        // ---- 32-bit arithmetic, immediate operand; results zero-extended ----
                        case 0x04: r[dst] = (uint)r[dst] + (uint)insn.Immediate; break;
                        case 0x14: r[dst] = (uint)r[dst] - (uint)insn.Immediate; break;
                        case 0x24: r[dst] = (uint)r[dst] * (uint)insn.Immediate; break;
                        case 0x34: r[dst] = Divide32((uint)r[dst], (uint)insn.Immediate, insn.Offset); break;
                        case 0x44: r[dst] = (uint)r[dst] | (uint)insn.Immediate; break;
                        case 0x54: r[dst] = (uint)r[dst] & (uint)insn.Immediate; break;
                        case 0x64: r[dst] = (uint)r[dst] << (insn.Immediate & 31); break;
                        case 0x74: r[dst] = (uint)r[dst] >> (insn.Immediate & 31); break;
                        case 0x84: r[dst] = (uint)-(int)r[dst]; break;
                        case 0x94: r[dst] = Modulo32((uint)r[dst], (uint)insn.Immediate, insn.Offset); break;
                        case 0xa4: r[dst] = (uint)r[dst] ^ (uint)insn.Immediate; break;
                        case 0xb4: r[dst] = (uint)insn.Immediate; break;
                        case 0xc4: r[dst] = (uint)((int)r[dst] >> (insn.Immediate & 31)); break;
                        case 0xd4: r[dst] = Arithmetic.ToLittleEndian(r[dst], insn.Immediate); break;

                        // ---- 32-bit arithmetic, register operand ----
                        case 0x0c: r[dst] = (uint)r[dst] + (uint)r[src]; break;
                        case 0x1c: r[dst] = (uint)r[dst] - (uint)r[src]; break;
                        case 0x2c: r[dst] = (uint)r[dst] * (uint)r[src]; break;
                        case 0x3c: r[dst] = Divide32((uint)r[dst], (uint)r[src], insn.Offset); break;
                        case 0x4c: r[dst] = (uint)r[dst] | (uint)r[src]; break;
                        case 0x5c: r[dst] = (uint)r[dst] & (uint)r[src]; break;
                        case 0x6c: r[dst] = (uint)r[dst] << (int)(r[src] & 31); break;
                        case 0x7c: r[dst] = (uint)r[dst] >> (int)(r[src] & 31); break;
                        case 0x9c: r[dst] = Modulo32((uint)r[dst], (uint)r[src], insn.Offset); break;
                        case 0xac: r[dst] = (uint)r[dst] ^ (uint)r[src]; break;
                        case 0xbc: r[dst] = SignExtend32((uint)r[src], insn.Offset); break;
                        case 0xcc: r[dst] = (uint)((int)r[dst] >> (int)(r[src] & 31)); break;
                        case 0xdc: r[dst] = Arithmetic.ToBigEndian(r[dst], insn.Immediate); break;

                        // ---- 64-bit jumps ----
                        case 0x05: pc += insn.Offset; break;
                        case 0x15: if (r[dst] == (ulong)(long)insn.Immediate) pc += insn.Offset; break;
                        case 0x1d: if (r[dst] == r[src]) pc += insn.Offset; break;
                        case 0x25: if (r[dst] > (ulong)(long)insn.Immediate) pc += insn.Offset; break;
                        case 0x2d: if (r[dst] > r[src]) pc += insn.Offset; break;
                        case 0x35: if (r[dst] >= (ulong)(long)insn.Immediate) pc += insn.Offset; break;
                        case 0x3d: if (r[dst] >= r[src]) pc += insn.Offset; break;
                        case 0x45: if ((r[dst] & (ulong)(long)insn.Immediate) != 0) pc += insn.Offset; break;
                        case 0x4d: if ((r[dst] & r[src]) != 0) pc += insn.Offset; break;
                        case 0x55: if (r[dst] != (ulong)(long)insn.Immediate) pc += insn.Offset; break;
                        case 0x5d: if (r[dst] != r[src]) pc += insn.Offset; break;
                        case 0x65: if ((long)r[dst] > insn.Immediate) pc += insn.Offset; break;
                        case 0x6d: if ((long)r[dst] > (long)r[src]) pc += insn.Offset; break;
                        case 0x75: if ((long)r[dst] >= insn.Immediate) pc += insn.Offset; break;
                        case 0x7d: if ((long)r[dst] >= (long)r[src]) pc += insn.Offset; break;
                        case 0xa5: if (r[dst] < (ulong)(long)insn.Immediate) pc += insn.Offset; break;
                        case 0xad: if (r[dst] < r[src]) pc += insn.Offset; break;
                        case 0xb5: if (r[dst] <= (ulong)(long)insn.Immediate) pc += insn.Offset; break;
                        case 0xbd: if (r[dst] <= r[src]) pc += insn.Offset; break;
                        case 0xc5: if ((long)r[dst] < insn.Immediate) pc += insn.Offset; break;
                        case 0xcd: if ((long)r[dst] < (long)r[src]) pc += insn.Offset; break;
                        case 0xd5: if ((long)r[dst] <= insn.Immediate) pc += insn.Offset; break;
                        case 0xdd: if ((long)r[dst] <= (long)r[src]) pc += insn.Offset; break;

                        // ---- 32-bit jumps ----
                        case 0x06: pc += insn.Immediate; break;
                        case 0x16: if ((uint)r[dst] == (uint)insn.Immediate) pc += insn.Offset; break;
                        case 0x1e: if ((uint)r[dst] == (uint)r[src]) pc += insn.Offset; break;
                        case 0x26: if ((uint)r[dst] > (uint)insn.Immediate) pc += insn.Offset; break;
                        case 0x2e: if ((uint)r[dst] > (uint)r[src]) pc += insn.Offset; break;
                        case 0x36: if ((uint)r[dst] >= (uint)insn.Immediate) pc += insn.Offset; break;
                        case 0x3e: if ((uint)r[dst] >= (uint)r[src]) pc += insn.Offset; break;
                        case 0x46: if (((uint)r[dst] & (uint)insn.Immediate) != 0) pc += insn.Offset; break;
                        case 0x4e: if (((uint)r[dst] & (uint)r[src]) != 0) pc += insn.Offset; break;
                        case 0x56: if ((uint)r[dst] != (uint)insn.Immediate) pc += insn.Offset; break;
                        case 0x5e: if ((uint)r[dst] != (uint)r[src]) pc += insn.Offset; break;
                        case 0x66: if ((int)r[dst] > insn.Immediate) pc += insn.Offset; break;
                        case 0x6e: if ((int)r[dst] > (int)r[src]) pc += insn.Offset; break;
                        case 0x76: if ((int)r[dst] >= insn.Immediate) pc += insn.Offset; break;
                        case 0x7e: if ((int)r[dst] >= (int)r[src]) pc += insn.Offset; break;
                        case 0xa6: if ((uint)r[dst] < (uint)insn.Immediate) pc += insn.Offset; break;
                        case 0xae: if ((uint)r[dst] < (uint)r[src]) pc += insn.Offset; break;
                        case 0xb6: if ((uint)r[dst] <= (uint)insn.Immediate) pc += insn.Offset; break;
                        case 0xbe: if ((uint)r[dst] <= (uint)r[src]) pc += insn.Offset; break;
                        case 0xc6: if ((int)r[dst] < insn.Immediate) pc += insn.Offset; break;
                        case 0xce: if ((int)r[dst] < (int)r[src]) pc += insn.Offset; break;
                        case 0xd6: if ((int)r[dst] <= insn.Immediate) pc += insn.Offset; break;
                        case 0xde: if ((int)r[dst] <= (int)r[src]) pc += insn.Offset; break;

                        // ---- calls and exit ----
                        case Opcodes.Call:
                            if (insn.Source == (byte)CallKind.Local)
                            {
                                if (depth + 1 == ExecutionLimits.MaxCallFrames) throw MemoryFaults.CallTooDeep(current);
                                ref Frame frame = ref frames[depth++];
                                frame.R6 = r[6]; frame.R7 = r[7]; frame.R8 = r[8]; frame.R9 = r[9];
                                frame.ReturnIndex = pc;
                                r[10] -= ExecutionLimits.StackBytesPerFrame;
                                stackLow = r[10] - ExecutionLimits.StackBytesPerFrame;
                                context.StackLow = stackLow;
                                new Span<byte>((void*)stackLow, ExecutionLimits.StackBytesPerFrame).Clear();
                                pc += insn.Immediate;
                            }
                            else
                            {
                                if (_callbacks is not null) EnterCallbackHelper(context, depth, executed);
                                r[0] = CallHelper(_helperBySlot[current]!, r, context, current);
                                if (_callbacks is not null) executed = context.InstructionsExecuted;
                                if (context.PendingTailCall is not null)
                                {
                                    // bpf_tail_call succeeded: this program ends here, the next one runs in its place.
                                    context.InstructionsExecuted = executed;
                                    ended = true;
                                    return 0;
                                }
                            }
                            break;
                        case Opcodes.CallRegister:
                            if (_callbacks is not null) EnterCallbackHelper(context, depth, executed);
                            r[0] = CallHelperById(r[dst], r, context, current);
                            if (_callbacks is not null) executed = context.InstructionsExecuted;
                            break;
                        case Opcodes.Exit:
                            if (depth == baseDepth)
                            {
                                context.InstructionsExecuted = executed;
                                return r[0];
                            }
                            {
                                ref Frame frame = ref frames[--depth];
                                r[6] = frame.R6; r[7] = frame.R7; r[8] = frame.R8; r[9] = frame.R9;
                                r[10] += ExecutionLimits.StackBytesPerFrame;
                                stackLow += ExecutionLimits.StackBytesPerFrame;
                                context.StackLow = stackLow;
                                pc = frame.ReturnIndex;
                            }
                            break;

                        // ---- loads ----
                        case Opcodes.Lddw:
                            r[dst] = _wideImmediates[current];
                            pc++;
                            break;
                        case ContextCandidateLoad:
                        {
                            ulong address = r[src] + (ulong)(long)insn.Offset;
                            r[dst] = context.TryLoadContextPointer(address, insn.Offset, insn.Immediate, out ulong pointer)
                                ? pointer
                                : *(uint*)Access(context, stackLow, stackHigh, address, 4, false, current);
                            break;
                        }
                        case 0x61: r[dst] = *(uint*)Access(context, stackLow, stackHigh, r[src] + (ulong)(long)insn.Offset, 4, false, current); break;
                        case 0x69: r[dst] = *(ushort*)Access(context, stackLow, stackHigh, r[src] + (ulong)(long)insn.Offset, 2, false, current); break;
                        case 0x71: r[dst] = *(byte*)Access(context, stackLow, stackHigh, r[src] + (ulong)(long)insn.Offset, 1, false, current); break;
                        case 0x79: r[dst] = *(ulong*)Access(context, stackLow, stackHigh, r[src] + (ulong)(long)insn.Offset, 8, false, current); break;
                        case 0x81: r[dst] = (ulong)(long)*(int*)Access(context, stackLow, stackHigh, r[src] + (ulong)(long)insn.Offset, 4, false, current); break;
                        case 0x89: r[dst] = (ulong)(long)*(short*)Access(context, stackLow, stackHigh, r[src] + (ulong)(long)insn.Offset, 2, false, current); break;
                        case 0x91: r[dst] = (ulong)(long)*(sbyte*)Access(context, stackLow, stackHigh, r[src] + (ulong)(long)insn.Offset, 1, false, current); break;

                        // ---- stores of an immediate ----
                        case 0x62: *(int*)Access(context, stackLow, stackHigh, r[dst] + (ulong)(long)insn.Offset, 4, true, current) = insn.Immediate; break;
                        case 0x6a: *(short*)Access(context, stackLow, stackHigh, r[dst] + (ulong)(long)insn.Offset, 2, true, current) = (short)insn.Immediate; break;
                        case 0x72: *(byte*)Access(context, stackLow, stackHigh, r[dst] + (ulong)(long)insn.Offset, 1, true, current) = (byte)insn.Immediate; break;
                        case 0x7a: *(long*)Access(context, stackLow, stackHigh, r[dst] + (ulong)(long)insn.Offset, 8, true, current) = insn.Immediate; break;

                        // ---- stores of a register ----
                        case 0x63: *(uint*)Access(context, stackLow, stackHigh, r[dst] + (ulong)(long)insn.Offset, 4, true, current) = (uint)r[src]; break;
                        case 0x6b: *(ushort*)Access(context, stackLow, stackHigh, r[dst] + (ulong)(long)insn.Offset, 2, true, current) = (ushort)r[src]; break;
                        case 0x73: *(byte*)Access(context, stackLow, stackHigh, r[dst] + (ulong)(long)insn.Offset, 1, true, current) = (byte)r[src]; break;
                        case 0x7b: *(ulong*)Access(context, stackLow, stackHigh, r[dst] + (ulong)(long)insn.Offset, 8, true, current) = r[src]; break;

                        // ---- atomics ----
                        case Opcodes.Atomic64:
                            ExecuteAtomic64(insn, r, AtomicAccess(context, stackLow, stackHigh, r[dst] + (ulong)(long)insn.Offset, 8, current));
                            break;
                        case Opcodes.Atomic32:
                            ExecuteAtomic32(insn, r, AtomicAccess(context, stackLow, stackHigh, r[dst] + (ulong)(long)insn.Offset, 4, current));
                            break;

                        // ---- legacy packet loads: out of bounds ends the program with r0 = 0, as in the kernel ----
                        case 0x20: case 0x28: case 0x30: case 0x40: case 0x48: case 0x50:
                            if (!LoadPacket(insn, r, context.PacketStart, context.PacketLength))
                            {
                                context.InstructionsExecuted = executed;
                                ended = true;
                                return 0;
                            }
                            break;

                        default:
                            // The validator admits no other opcode; reaching here is a bug in this engine.
                            throw new InvalidOperationException($"interpreter has no case for validated opcode 0x{insn.Opcode:x2} at {current}");
                    }
                }
            }
        }
        catch (ProgramFaultException)
        {
            // A fault inside a callback already counted past this frame's last helper call.
            context.InstructionsExecuted = Math.Max(context.InstructionsExecuted, executed);
            throw;
        }
    }

    /// <summary>Before a helper call of a program with callbacks: where a callback would run, and the count so far.</summary>
    private static void EnterCallbackHelper(RunContext context, int depth, long executed)
    {
        context.CallDepth = depth;
        context.InstructionsExecuted = executed;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Divide64(ulong x, ulong y, short offset) =>
        offset == 0 ? Arithmetic.Div64(x, y) : (ulong)Arithmetic.SignedDiv64((long)x, (long)y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Modulo64(ulong x, ulong y, short offset) =>
        offset == 0 ? Arithmetic.Mod64(x, y) : (ulong)Arithmetic.SignedMod64((long)x, (long)y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Divide32(uint x, uint y, short offset) =>
        offset == 0 ? Arithmetic.Div32(x, y) : (uint)Arithmetic.SignedDiv32((int)x, (int)y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Modulo32(uint x, uint y, short offset) =>
        offset == 0 ? Arithmetic.Mod32(x, y) : (uint)Arithmetic.SignedMod32((int)x, (int)y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SignExtend64(ulong value, short bits) => bits switch
    {
        0 => value,
        8 => (ulong)(long)(sbyte)value,
        16 => (ulong)(long)(short)value,
        _ => (ulong)(long)(int)value,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SignExtend32(uint value, short bits) => bits switch
    {
        0 => value,
        8 => (uint)(int)(sbyte)value,
        _ => (uint)(int)(short)value,
    };

    private static void ExecuteAtomic64(Instruction insn, ulong* r, ulong address)
    {
        var operation = (AtomicOperation)insn.Immediate;
        if (operation == AtomicOperation.CompareExchange)
        {
            r[0] = Atomics.CompareExchange64(address, r[0], r[insn.Source]);
            return;
        }
        ulong old = Atomics.Apply64(operation, address, r[insn.Source]);
        if (((int)operation & 1) != 0) r[insn.Source] = old;
    }

    private static void ExecuteAtomic32(Instruction insn, ulong* r, ulong address)
    {
        var operation = (AtomicOperation)insn.Immediate;
        if (operation == AtomicOperation.CompareExchange)
        {
            r[0] = Atomics.CompareExchange32(address, (uint)r[0], (uint)r[insn.Source]);
            return;
        }
        uint old = Atomics.Apply32(operation, address, (uint)r[insn.Source]);
        if (((int)operation & 1) != 0) r[insn.Source] = old;
    }

    internal static bool LoadPacket(Instruction insn, ulong* r, ulong packetStart, ulong packetLength)
    {
        long offset = insn.Immediate;
        if (Opcodes.ModeOf(insn.Opcode) == AccessMode.Indirect) offset += (int)(uint)r[insn.Source];
        int size = Opcodes.Bytes(Opcodes.SizeOf(insn.Opcode));
        if (offset < 0 || (ulong)offset + (ulong)size > packetLength) return false;
        byte* at = (byte*)(packetStart + (ulong)offset);
        r[0] = size switch
        {
            1 => *at,
            2 => BinaryPrimitives.ReadUInt16BigEndian(new ReadOnlySpan<byte>(at, 2)),
            _ => BinaryPrimitives.ReadUInt32BigEndian(new ReadOnlySpan<byte>(at, 4)),
        };
        return true;
    }

    private ulong CallHelperById(ulong id, ulong* r, RunContext context, int pc)
    {
        if (id > int.MaxValue || !_helpers.TryGet((int)id, out var helper))
            throw MemoryFaults.UnknownHelper(id, pc);
        return CallHelper(helper.Implementation, r, context, pc);
    }

    private static ulong CallHelper(HelperFunction helper, ulong* r, RunContext context, int pc)
    {
        context.CurrentInstruction = pc;
        return helper(r[1], r[2], r[3], r[4], r[5], context);
    }
}
