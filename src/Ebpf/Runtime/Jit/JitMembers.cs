using System.Buffers.Binary;
using System.Reflection;

namespace Ebpf.Runtime.Jit;

/// <summary>The fields and methods emitted code refers to, looked up once.</summary>
internal static class JitMembers
{
    public static readonly FieldInfo Run = Field(nameof(JitContext.Run));
    public static readonly MethodInfo TryLoadContextPointer =
        typeof(RunContext).GetMethod(nameof(RunContext.TryLoadContextPointer), BindingFlags.NonPublic | BindingFlags.Instance)!;
    public static readonly FieldInfo StackHigh = Field(nameof(JitContext.StackHigh));
    public static readonly FieldInfo FastStart = Field(nameof(JitContext.FastStart));
    public static readonly FieldInfo FastLength = Field(nameof(JitContext.FastLength));
    public static readonly FieldInfo FastWritableLength = Field(nameof(JitContext.FastWritableLength));
    public static readonly FieldInfo Executed = Field(nameof(JitContext.Executed));
    public static readonly FieldInfo Budget = Field(nameof(JitContext.Budget));
    public static readonly FieldInfo Aborted = Field(nameof(JitContext.Aborted));
    public static readonly FieldInfo[] ReturnedArguments =
        [Field(nameof(JitContext.R1)), Field(nameof(JitContext.R2)), Field(nameof(JitContext.R3)), Field(nameof(JitContext.R4)), Field(nameof(JitContext.R5))];

    public static readonly MethodInfo IsEnding = Runtime(nameof(JitRuntime.IsEnding));
    public static readonly MethodInfo Bound = Runtime(nameof(JitRuntime.Bound));
    public static readonly MethodInfo CheckRegion = Runtime(nameof(JitRuntime.CheckRegion));
    public static readonly MethodInfo CheckAtomic = Runtime(nameof(JitRuntime.CheckAtomic));
    public static readonly MethodInfo ThrowBudgetExhausted = Runtime(nameof(JitRuntime.ThrowBudgetExhausted));
    public static readonly MethodInfo ThrowCallTooDeep = Runtime(nameof(JitRuntime.ThrowCallTooDeep));
    public static readonly MethodInfo CallHelper = Runtime(nameof(JitRuntime.CallHelper));
    public static readonly MethodInfo EnterCallbackHelper = Runtime(nameof(JitRuntime.EnterCallbackHelper));
    public static readonly MethodInfo CallHelperById = Runtime(nameof(JitRuntime.CallHelperById));
    public static readonly MethodInfo LoadPacket = Runtime(nameof(JitRuntime.LoadPacket));

    public static readonly MethodInfo Div64 = Arith(nameof(Arithmetic.Div64));
    public static readonly MethodInfo Div32 = Arith(nameof(Arithmetic.Div32));
    public static readonly MethodInfo Mod64 = Arith(nameof(Arithmetic.Mod64));
    public static readonly MethodInfo Mod32 = Arith(nameof(Arithmetic.Mod32));
    public static readonly MethodInfo SignedDiv64 = Arith(nameof(Arithmetic.SignedDiv64));
    public static readonly MethodInfo SignedDiv32 = Arith(nameof(Arithmetic.SignedDiv32));
    public static readonly MethodInfo SignedMod64 = Arith(nameof(Arithmetic.SignedMod64));
    public static readonly MethodInfo SignedMod32 = Arith(nameof(Arithmetic.SignedMod32));

    public static readonly MethodInfo Swap16 = typeof(BinaryPrimitives).GetMethod(nameof(BinaryPrimitives.ReverseEndianness), [typeof(ushort)])!;
    public static readonly MethodInfo Swap32 = typeof(BinaryPrimitives).GetMethod(nameof(BinaryPrimitives.ReverseEndianness), [typeof(uint)])!;
    public static readonly MethodInfo Swap64 = typeof(BinaryPrimitives).GetMethod(nameof(BinaryPrimitives.ReverseEndianness), [typeof(ulong)])!;

    public static readonly MethodInfo Apply64 = typeof(Atomics).GetMethod(nameof(Atomics.Apply64))!;
    public static readonly MethodInfo Apply32 = typeof(Atomics).GetMethod(nameof(Atomics.Apply32))!;
    public static readonly MethodInfo CompareExchange64 = typeof(Atomics).GetMethod(nameof(Atomics.CompareExchange64))!;
    public static readonly MethodInfo CompareExchange32 = typeof(Atomics).GetMethod(nameof(Atomics.CompareExchange32))!;

    private static FieldInfo Field(string name) => typeof(JitContext).GetField(name)!;

    private static MethodInfo Runtime(string name) => typeof(JitRuntime).GetMethod(name)!;

    private static MethodInfo Arith(string name) => typeof(Arithmetic).GetMethod(name)!;
}
