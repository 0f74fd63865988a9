using Ebpf.Elf;
using Ebpf.Runtime;
using Ebpf.TestRuns;
using Ebpf.Tests.Support;

namespace Ebpf.Tests.Examples;

/// <summary>One committed object of <c>examples/</c>, loaded into a fresh <see cref="LoadedCollection"/> with its program prepared.</summary>
internal sealed class ExampleObject : IDisposable
{
    private readonly string _programName;
    private readonly ExecutionEngine _engine;

    public ExampleObject(string objectName, string programName, ExecutionEngine engine)
    {
        Collection = LoadedCollection.Create(ObjectFile.Load(PathOf(objectName)));
        _programName = programName;
        _engine = engine;
    }

    public LoadedCollection Collection { get; }

    /// <summary>The path of a committed example object.</summary>
    public static string PathOf(string objectName) => Path.Combine(RepositoryPaths.Root, "examples", objectName);

    /// <summary>Runs the program once on <paramref name="packet"/> (preparing it on the first run, so maps can be filled first).</summary>
    public TestRunResult Run(byte[] packet)
    {
        var program = Collection.Program(_programName, _engine);
        Assert.Null(Collection.FallbackReasons[_programName]);
        var type = LoadedCollection.TypeOf(Collection.Spec.Program(_programName))!;
        return TestRunner.Run(program, type, packet);
    }

    public void Dispose() => Collection.Dispose();
}
