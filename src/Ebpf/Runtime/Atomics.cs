using Ebpf.Isa;

namespace Ebpf.Runtime;

/// <summary>
/// The atomic read-modify-write operations of RFC 9669 on native memory, for every engine. The address must be
/// checked and aligned by the caller. Each returns the value the memory held before the operation.
/// </summary>
public static unsafe class Atomics
{
    /// <summary>Applies a 64-bit atomic operation (not compare-exchange) and returns the old value.</summary>
    /// <remarks>
    /// Never inlined: with this inlined into JIT-compiled programs, RyuJIT (.NET 10) lost a later 32-bit truncation
    /// of the fetched value (<c>le32</c> or a mask), giving a result with the upper half intact (found by the kernel
    /// differential tests, seed e8OlNHOpH932; <c>JitRegressionTests</c> keeps the program).
    /// </remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static ulong Apply64(AtomicOperation operation, ulong address, ulong operand)
    {
        ref long target = ref *(long*)address;
        long value = (long)operand;
        return (ulong)(operation switch
        {
            AtomicOperation.Add or AtomicOperation.FetchAdd => Interlocked.Add(ref target, value) - value,
            AtomicOperation.Or or AtomicOperation.FetchOr => Interlocked.Or(ref target, value),
            AtomicOperation.And or AtomicOperation.FetchAnd => Interlocked.And(ref target, value),
            AtomicOperation.Xor or AtomicOperation.FetchXor => Xor(ref target, value),
            AtomicOperation.Exchange => Interlocked.Exchange(ref target, value),
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "use CompareExchange64"),
        });
    }

    /// <summary>Applies a 32-bit atomic operation (not compare-exchange) and returns the old value.</summary>
    /// <remarks>Never inlined, for the reason <see cref="Apply64"/> gives.</remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static uint Apply32(AtomicOperation operation, ulong address, uint operand)
    {
        ref int target = ref *(int*)address;
        int value = (int)operand;
        return (uint)(operation switch
        {
            AtomicOperation.Add or AtomicOperation.FetchAdd => Interlocked.Add(ref target, value) - value,
            AtomicOperation.Or or AtomicOperation.FetchOr => Interlocked.Or(ref target, value),
            AtomicOperation.And or AtomicOperation.FetchAnd => Interlocked.And(ref target, value),
            AtomicOperation.Xor or AtomicOperation.FetchXor => Xor(ref target, value),
            AtomicOperation.Exchange => Interlocked.Exchange(ref target, value),
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "use CompareExchange32"),
        });
    }

    /// <summary>If the 64 bits at the address equal <paramref name="expected"/>, stores <paramref name="replacement"/>; returns the old value.</summary>
    public static ulong CompareExchange64(ulong address, ulong expected, ulong replacement) =>
        (ulong)Interlocked.CompareExchange(ref *(long*)address, (long)replacement, (long)expected);

    /// <summary>If the 32 bits at the address equal <paramref name="expected"/>, stores <paramref name="replacement"/>; returns the old value.</summary>
    /// <remarks>
    /// Never inlined: x86-64's <c>lock cmpxchg r32</c> leaves the upper half of RAX untouched when the compare
    /// succeeds, and RyuJIT (.NET 10) then treats the inlined result as already zero-extended, so a 32-bit
    /// compare-exchange could return a value with garbage in its upper 32 bits (found by the kernel differential tests).
    /// </remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static uint CompareExchange32(ulong address, uint expected, uint replacement) =>
        (uint)Interlocked.CompareExchange(ref *(int*)address, (int)replacement, (int)expected);

    private static long Xor(ref long target, long value)
    {
        long old = Volatile.Read(ref target);
        while (true)
        {
            long seen = Interlocked.CompareExchange(ref target, old ^ value, old);
            if (seen == old) return old;
            old = seen;
        }
    }

    private static int Xor(ref int target, int value)
    {
        int old = Volatile.Read(ref target);
        while (true)
        {
            int seen = Interlocked.CompareExchange(ref target, old ^ value, old);
            if (seen == old) return old;
            old = seen;
        }
    }
}
