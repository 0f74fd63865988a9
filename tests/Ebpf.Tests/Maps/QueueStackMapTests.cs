using Ebpf.Maps;
using static Ebpf.Tests.Maps.MapTestHelpers;

namespace Ebpf.Tests.Maps;

/// <summary>QUEUE and STACK: order, capacity, overwrite with BPF_EXIST, and the errnos of the generic API.</summary>
public class QueueStackMapTests
{
    private static unsafe long Push(Map map, ulong value, ulong flags = 0)
    {
        var bytes = U64(value);
        fixed (byte* v = bytes) return map.PushElement((ulong)v, flags);
    }

    private static unsafe (long Result, ulong Value) Pop(Map map, bool peek = false)
    {
        var bytes = new byte[8];
        fixed (byte* v = bytes)
        {
            long result = peek ? map.PeekElement((ulong)v) : map.PopElement((ulong)v);
            return (result, ReadU64(bytes));
        }
    }

    [Fact]
    public void A_queue_is_first_in_first_out()
    {
        using var queue = (QueueMap)Create(MapType.Queue, 0, 8, 3);
        for (ulong v = 1; v <= 3; v++) Assert.Equal(0, Push(queue, v));
        Assert.Equal((0L, 1UL), Pop(queue, peek: true));
        Assert.Equal((0L, 1UL), Pop(queue));
        Assert.Equal(0, Push(queue, 4));
        Assert.Equal((0L, 2UL), Pop(queue));
        Assert.Equal((0L, 3UL), Pop(queue));
        Assert.Equal((0L, 4UL), Pop(queue));
        Assert.Equal(-Errno.ENOENT, Pop(queue).Result);
        Assert.Equal(-Errno.ENOENT, Pop(queue, peek: true).Result);
    }

    [Fact]
    public void A_stack_is_last_in_first_out()
    {
        using var stack = Create(MapType.Stack, 0, 8, 3);
        for (ulong v = 1; v <= 3; v++) Assert.Equal(0, Push(stack, v));
        Assert.Equal((0L, 3UL), Pop(stack, peek: true));
        Assert.Equal((0L, 3UL), Pop(stack));
        Assert.Equal((0L, 2UL), Pop(stack));
        Assert.Equal(0, Push(stack, 9));
        Assert.Equal((0L, 9UL), Pop(stack));
        Assert.Equal((0L, 1UL), Pop(stack));
        Assert.Equal(-Errno.ENOENT, Pop(stack).Result);
    }

    [Theory]
    [InlineData(MapType.Queue, new ulong[] { 2, 3, 4 })]
    [InlineData(MapType.Stack, new ulong[] { 4, 3, 2 })]
    public void When_full_push_gives_E2BIG_and_BPF_EXIST_overwrites_the_oldest(MapType type, ulong[] expectedOrder)
    {
        using var map = Create(type, 0, 8, 3);
        for (ulong v = 1; v <= 3; v++) Assert.Equal(0, Push(map, v));
        Assert.Equal(-Errno.E2BIG, Push(map, 4));
        Assert.Equal(0, Push(map, 4, (ulong)MapUpdateFlags.Exist));
        Assert.Equal(expectedOrder, Enumerable.Range(0, 3).Select(_ => Pop(map).Value));
    }

    [Fact]
    public void Push_flags_other_than_ANY_and_EXIST_give_EINVAL()
    {
        using var queue = Create(MapType.Queue, 0, 8, 3);
        Assert.Equal(-Errno.EINVAL, Push(queue, 1, (ulong)MapUpdateFlags.NoExist));
        Assert.Equal(-Errno.EINVAL, Push(queue, 1, (ulong)MapUpdateFlags.Lock));
        Assert.Equal(-Errno.EINVAL, Push(queue, 1, 3));
    }

    [Fact]
    public void The_generic_api_pushes_peeks_and_pops_and_refuses_keys()
    {
        using var queue = (QueueStackMap)Create(MapType.Queue, 0, 8, 2);
        queue.Update([], U64(5));
        queue.Push(U64(6));
        Assert.Equal(2, queue.Count);
        Assert.Equal(5UL, ReadU64(queue.Lookup([])));
        var value = new byte[8];
        Assert.True(queue.LookupAndDelete([], value));
        Assert.Equal(5UL, ReadU64(value));
        Assert.True(queue.TryPop(value));
        Assert.Equal(6UL, ReadU64(value));
        Assert.False(queue.TryPeek(value));
        Assert.Equal(Errno.EINVAL, ErrnoOf(() => queue.Delete([])));
        Assert.Equal(Errno.EINVAL, ErrnoOf(() => queue.TryGetNextKey([], [])));
        Assert.Equal(0, ProgramLookup(queue, []));
        Assert.Equal(-Errno.EINVAL, ProgramUpdate(queue, [], U64(1)));
        Assert.Equal(Errno.E2BIG, ErrnoOf(() =>
        {
            queue.Push(U64(1));
            queue.Push(U64(2));
            queue.Push(U64(3));
        }));
    }

    [Fact]
    public void Concurrent_pushes_and_pops_lose_and_duplicate_nothing()
    {
        using var queue = Create(MapType.Queue, 0, 8, 100_000);
        Parallel.For(0, 50_000, i => Assert.Equal(0, Push(queue, (ulong)i)));
        var seen = new System.Collections.Concurrent.ConcurrentBag<ulong>();
        Parallel.For(0, 50_000, _ =>
        {
            var (result, value) = Pop(queue);
            Assert.Equal(0, result);
            seen.Add(value);
        });
        Assert.Equal(Enumerable.Range(0, 50_000).Select(i => (ulong)i), seen.Order());
    }
}
