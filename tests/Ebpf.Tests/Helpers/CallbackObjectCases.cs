using Ebpf.Elf;
using Ebpf.Runtime;
using Ebpf.TestRuns;

namespace Ebpf.Tests.Helpers;

/// <summary>
/// The programs of tests/objects/callbacks.c with the packets each test runs through them in order (state carries
/// over in the maps), shared by the user-space tests and the kernel differential tests.
/// </summary>
public static class CallbackObjectCases
{
    /// <summary>The object file name in tests/objects.</summary>
    public const string ObjectName = "callbacks.o";

    /// <summary>The names of the programs, for theories.</summary>
    public static IEnumerable<string> ProgramNames => ["checksum_loop", "loop_contract", "hash_walk", "array_walk", "per_cpu_walk", "lru_walk"];

    /// <summary>The packets for <paramref name="program"/>: an Ethernet header followed by the program's parameters.</summary>
    public static byte[][] Packets(string program) => program switch
    {
        "checksum_loop" => [Frame(), Frame(1, 2, 3), Frame(Enumerable.Range(0, 60).Select(i => (byte)(i * 7)).ToArray())],
        // nr_loops (big endian), flags, stop index
        "loop_contract" =>
        [
            Frame(0, 0, 0, 10, 0, 255), Frame(0, 0, 0, 10, 0, 3), Frame(0, 0, 0, 0, 0, 0), Frame(0, 0, 0, 1, 0, 0),
            Frame(0, 0x80, 0, 1, 0, 0), Frame(0xff, 0xff, 0xff, 0xff, 0, 0), Frame(0, 0, 0, 10, 1, 255), Frame(0, 0x80, 0, 1, 2, 0),
        ],
        // a class per packet; classes seen three times are removed from the hash by the walk
        "hash_walk" => [.. new byte[] { 1, 2, 1, 3, 1, 2, 4, 2, 5, 6, 7, 1, 0x23 }.Select(c => Frame(c))],
        // the slot to stop at
        "array_walk" => [Frame(3), Frame(0), Frame(7), Frame(200), Frame(5)],
        "per_cpu_walk" => [Frame(), Frame()],
        // a class per packet in an LRU hash of 8, never full (a full kernel LRU evicts even to replace a key)
        "lru_walk" => [.. new byte[] { 1, 2, 3, 1, 4, 5, 1, 2, 0x0d, 3 }.Select(c => Frame(c))],
        _ => throw new ArgumentOutOfRangeException(nameof(program), program, "no such program in callbacks.c"),
    };

    /// <summary>The maps whose contents a test compares after the packets, with the keys it reads.</summary>
    public static IEnumerable<(string Map, uint[] Keys)> ComparedMaps(string program) => program switch
    {
        "hash_walk" => [("counts", [.. Enumerable.Range(0, 16).Select(k => (uint)k)])],
        "array_walk" => [("slots", [.. Enumerable.Range(0, 8).Select(k => (uint)k)])],
        "lru_walk" => [("recent", [.. Enumerable.Range(0, 8).Select(k => (uint)k)])],
        _ => [],
    };

    /// <summary>Every engine and memory mode the programs run on.</summary>
    public static IEnumerable<(ExecutionEngine Engine, MemoryChecks Checks)> Engines =>
        [(ExecutionEngine.Interpreter, MemoryChecks.Checked), (ExecutionEngine.Jit, MemoryChecks.Checked), (ExecutionEngine.Jit, MemoryChecks.Unchecked)];

    /// <summary>Runs the program's packets in order on a fresh collection of <paramref name="spec"/>: the retvals, and the compared maps' values.</summary>
    public static (uint[] Retvals, string[] Maps) Run(CollectionSpec spec, string program, ExecutionEngine engine, MemoryChecks checks)
    {
        using var collection = LoadedCollection.Create(spec);
        var prepared = collection.Program(program, engine, new ExecutionOptions { MemoryChecks = checks });
        Assert.True(collection.Verdicts[program].Accepted, collection.Verdicts[program].Message);
        Assert.Null(collection.FallbackReasons[program]);
        var type = LoadedCollection.TypeOf(spec.Program(program))!;
        uint[] retvals = [.. Packets(program).Select(packet => TestRunner.Run(prepared, type, packet).ReturnValue)];
        string[] maps =
        [
            .. ComparedMaps(program).SelectMany(m => m.Keys.Select(key =>
                Describe(m.Map, key, collection.Map(m.Map).Lookup(BitConverter.GetBytes(key))))),
        ];
        return (retvals, maps);
    }

    /// <summary>One map entry as the tests compare it.</summary>
    public static string Describe(string map, uint key, byte[]? value) =>
        $"{map}[{key}] = {(value is null ? "none" : Convert.ToHexString(value))}";

    private static byte[] Frame(params byte[] parameters) =>
        [0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x88, 0xb5, .. parameters];
}
