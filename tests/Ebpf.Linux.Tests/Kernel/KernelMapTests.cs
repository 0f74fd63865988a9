using System.Buffers.Binary;
using Ebpf.Linux.Kernel;
using Ebpf.Maps;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Kernel;

/// <summary>
/// Kernel maps behind the same host API as user-space maps: the same sequence of operations on a <see cref="KernelMap"/>
/// and on a user-space <see cref="Map"/> of the same spec gives the same results, errors and contents.
/// </summary>
public class KernelMapTests(ITestOutputHelper output)
{
    public static TheoryData<MapType, uint, uint, uint> Specs => new()
    {
        { MapType.Hash, 4, 8, 16 },
        { MapType.Array, 4, 8, 16 },
        { MapType.PerCpuArray, 4, 8, 8 },
        { MapType.PerCpuHash, 4, 4, 8 },
        { MapType.LruHash, 4, 8, 64 },
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void The_same_operations_give_the_same_results_in_the_kernel_and_in_user_space(MapType type, uint keySize, uint valueSize, uint maxEntries)
    {
        if (KernelRequirement.Missing(output)) return;
        var spec = new MapSpec($"diff_{type}", type, keySize, valueSize, maxEntries, MapCreationFlags.None);
        using var kernel = KernelMap.Create(spec);
        using var user = Map.Create(spec);
        if (kernel.HostValueSize != user.HostValueSize)
        {
            output.WriteLine($"SKIPPED: {PossibleCpus.Count} possible CPUs in the kernel, {user.ProcessorCount} slots in user space");
            return;
        }
        var random = new Random(1234 + (int)type);
        for (int step = 0; step < 400; step++)
        {
            var key = new byte[keySize];
            // Keys beyond max_entries exercise E2BIG; an LRU map gets room to spare, since the kernel's per-CPU free lists may
            // evict before the map is full where ours would not (its victims are its own business).
            BinaryPrimitives.WriteUInt32LittleEndian(key, (uint)random.Next(0, Math.Min((int)maxEntries + 4, 20)));
            var value = new byte[user.HostValueSize];
            random.NextBytes(value);
            var flags = (MapUpdateFlags)random.Next(0, 3);
            string operation = random.Next(4) switch
            {
                0 or 1 => $"update {Convert.ToHexString(key)} {flags}",
                2 => $"delete {Convert.ToHexString(key)}",
                _ => $"lookup {Convert.ToHexString(key)}",
            };
            string Outcome(IMapView map) => Capture(() => operation.Split(' ')[0] switch
            {
                "update" => Do(() => map.Update(key, value, flags)),
                "delete" => map.Delete(key).ToString(),
                _ => map.Lookup(key) is { } found ? Convert.ToHexString(found) : "none",
            });
            Assert.Equal(Outcome(user), Outcome(kernel));
        }
        var userEntries = user.Entries().Select(e => Convert.ToHexString(e.Key) + "=" + Convert.ToHexString(e.Value)).Order().ToList();
        var kernelEntries = kernel.Entries().Select(e => Convert.ToHexString(e.Key) + "=" + Convert.ToHexString(e.Value)).Order().ToList();
        Assert.Equal(userEntries, kernelEntries);
    }

    private static string Do(Action action)
    {
        action();
        return "ok";
    }

    private static string Capture(Func<string> operation)
    {
        try
        {
            return operation();
        }
        catch (MapException e)
        {
            return $"error {Errno.Name(e.Errno)}";
        }
    }

    [Fact]
    public void Typed_views_and_batches_work_on_kernel_maps()
    {
        if (KernelRequirement.Missing(output)) return;
        using var map = KernelMap.Create(new MapSpec("typed_hash", MapType.Hash, 4, 8, 64, MapCreationFlags.None));
        var typed = map.AsTyped<uint, ulong>();
        typed[7] = 700;
        typed.Update(8, 800, MapUpdateFlags.NoExist);
        Assert.Equal(700UL, typed[7]);
        Assert.Equal([7u, 8u], typed.Keys.Order());

        var keys = new byte[4 * 10];
        var values = new byte[8 * 10];
        for (int i = 0; i < 10; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(keys.AsSpan(i * 4), (uint)(100 + i));
            BinaryPrimitives.WriteUInt64LittleEndian(values.AsSpan(i * 8), (ulong)(i * i));
        }
        Assert.Equal(10, map.UpdateBatch(keys, values));
        var cursor = new KernelBatchCursor();
        var seen = new Dictionary<uint, ulong>();
        var outKeys = new byte[4 * 5];
        var outValues = new byte[8 * 5];
        while (!cursor.IsComplete)
        {
            int count = map.LookupBatch(cursor, outKeys, outValues);
            for (int i = 0; i < count; i++)
                seen.Add(BinaryPrimitives.ReadUInt32LittleEndian(outKeys.AsSpan(i * 4)), BinaryPrimitives.ReadUInt64LittleEndian(outValues.AsSpan(i * 8)));
        }
        Assert.Equal(12, seen.Count);
        Assert.Equal(81UL, seen[109]);
        Assert.Equal(800UL, seen[8]);
        Assert.Equal(10, map.DeleteBatch(keys));
        Assert.Equal([7u, 8u], typed.Keys.Order());
    }

    [Fact]
    public void Per_cpu_values_come_one_per_possible_cpu()
    {
        if (KernelRequirement.Missing(output)) return;
        using var map = KernelMap.Create(new MapSpec("percpu", MapType.PerCpuArray, 4, 4, 2, MapCreationFlags.None));
        var typed = map.AsPerCpuTyped<uint, uint>();
        var values = Enumerable.Range(1, PossibleCpus.Count).Select(i => (uint)i * 10).ToArray();
        typed.Update(1, values);
        Assert.Equal(values, typed.Get(1));
        Assert.Equal(PossibleCpus.Count * 8, map.HostValueSize);
    }

    [Fact]
    public void Queue_push_and_pop_through_the_kernel()
    {
        if (KernelRequirement.Missing(output)) return;
        using var queue = KernelMap.Create(new MapSpec("queue", MapType.Queue, 0, 4, 4, MapCreationFlags.None));
        foreach (uint item in new uint[] { 5, 6, 7 }) queue.Push(BitConverter.GetBytes(item));
        var value = new byte[4];
        var popped = new List<uint>();
        while (queue.LookupAndDelete([], value)) popped.Add(BitConverter.ToUInt32(value));
        Assert.Equal([5u, 6u, 7u], popped);
    }

    [Fact]
    public void Possible_cpu_lists_parse_like_the_kernel_writes_them()
    {
        Assert.Equal(4, PossibleCpus.Parse("0-3\n"));
        Assert.Equal(8, PossibleCpus.Parse("0-3,8-11"));
        Assert.Equal(1, PossibleCpus.Parse("0"));
        Assert.Throws<FormatException>(() => PossibleCpus.Parse("x-y"));
    }

    [Fact]
    public void A_map_the_kernel_refuses_is_named_in_the_error()
    {
        if (KernelRequirement.Missing(output)) return;
        var error = Assert.Throws<KernelErrorException>(() => KernelMap.Create(new MapSpec("zero_keys", MapType.Hash, 0, 8, 4, MapCreationFlags.None)));
        Assert.Equal(Errno.EINVAL, error.ErrorNumber);
        Assert.StartsWith("bpf(MapCreate) for map 'zero_keys' (", error.Message);
        Assert.Contains("failed with EINVAL", error.Message);
    }

    [Fact]
    public void Opening_a_map_id_that_does_not_exist_says_so()
    {
        if (KernelRequirement.Missing(output)) return;
        var error = Assert.Throws<KernelErrorException>(() => KernelMap.FromId(uint.MaxValue - 7));
        Assert.Equal(Errno.ENOENT, error.ErrorNumber);
        Assert.Contains("no object has that id", error.Message);
    }
}
