using Ebpf.Elf;
using Ebpf.Maps;
using Ebpf.ProgramTypes;

namespace Ebpf.Runtime;

/// <summary>
/// A <see cref="CollectionSpec"/> made live in user space: its maps created (with their initial contents: global
/// data, map-in-map slots) and its programs prepared on an engine with those maps. Dispose it to free the maps.
/// </summary>
public sealed class LoadedCollection : IDisposable
{
    private readonly Dictionary<string, IExecutableProgram> _programs = new();

    private LoadedCollection(CollectionSpec spec, Map[] maps)
    {
        Spec = spec;
        Maps = maps;
    }

    /// <summary>The spec this collection was made from.</summary>
    public CollectionSpec Spec { get; }

    /// <summary>The live maps, in the spec's order (the index programs refer to).</summary>
    public IReadOnlyList<Map> Maps { get; }

    /// <summary>The map named <paramref name="name"/>.</summary>
    public Map Map(string name) => Maps.FirstOrDefault(m => m.Name == name)
        ?? throw new KeyNotFoundException($"the collection has no map '{name}'; it has: {string.Join(", ", Maps.Select(m => m.Name))}");

    /// <summary>Creates the maps of <paramref name="spec"/> and fills their initial contents.</summary>
    /// <exception cref="MapException">A map could not be created (the message says which and why).</exception>
    public static LoadedCollection Create(CollectionSpec spec, MapCreateOptions? mapOptions = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var maps = new List<Map>();
        try
        {
            foreach (var mapSpec in spec.Maps) maps.Add(Ebpf.Maps.Map.Create(mapSpec, mapOptions));
            Span<byte> key = stackalloc byte[4];
            foreach (var initial in spec.MapInitialValues)
            {
                BitConverter.TryWriteBytes(key, initial.Key);
                switch (initial)
                {
                    case MapInitialBytes bytes:
                        maps[bytes.MapIndex].Update(key[..maps[bytes.MapIndex].KeySize], bytes.Value.Span);
                        break;
                    case MapInitialMap inner:
                        maps[inner.MapIndex].Update(key, BitConverter.GetBytes(maps[inner.InnerMapIndex].Id));
                        break;
                    // Program-array slots are filled when programs are prepared (tail calls come with the program registry).
                }
            }
            return new LoadedCollection(spec, [.. maps]);
        }
        catch
        {
            foreach (var map in maps) map.Dispose();
            throw;
        }
    }

    /// <summary>The descriptor of a program's type, for test runs, or null when the runtime has none for it.</summary>
    public static ProgramType? TypeOf(ProgramSpec program) =>
        KnownProgramTypes.All.FirstOrDefault(t => t.KernelId == (int)program.ProgramType);

    /// <summary>
    /// The program named <paramref name="name"/>, prepared on <paramref name="engine"/>. The first call prepares every
    /// program of the collection (so program arrays can be filled for tail calls); later calls return them.
    /// </summary>
    /// <exception cref="KeyNotFoundException">There is no such program.</exception>
    public IExecutableProgram Program(string name, ExecutionEngine engine = ExecutionEngine.Jit, ExecutionOptions? options = null)
    {
        var spec = Spec.Program(name);
        if (_programs.Count == 0)
        {
            foreach (var program in Spec.Programs) Prepare(program, engine, options);
            FillProgramArrays();
        }
        return _programs[spec.Name];
    }

    private void FillProgramArrays()
    {
        foreach (var initial in Spec.MapInitialValues.OfType<MapInitialProgram>())
        {
            if (Maps[initial.MapIndex] is ProgramArrayMap array && _programs.TryGetValue(initial.ProgramName, out var program))
                array.SetProgram(initial.Key, ProgramRegistry.IdOf(program));
        }
    }

    private void Prepare(ProgramSpec spec, ExecutionEngine engine, ExecutionOptions? options)
    {
        string name = spec.Name;
        IExecutableProgram prepared;
        options = (options ?? new ExecutionOptions()) with { Maps = Maps };
        // Pointer fields the caller chose (a program type named on the command line) win over the section's.
        if (TypeOf(spec) is { } type && options.ContextPointerFields.Count == 0) options = options with { ContextPointerFields = type.PointerFieldOffsets };
        prepared = ExecutionEngines.Prepare(engine, spec.Instructions, options, out string? fallback);
        if (prepared is Jit.JitProgram compiled) compiled.Prepare(); // compile now, not in the first run
        FallbackReasons[name] = fallback;
        _programs[name] = prepared;
    }

    /// <summary>Why a program runs interpreted although the JIT was asked for (null when it does not).</summary>
    public Dictionary<string, string?> FallbackReasons { get; } = new();

    /// <summary>Frees the maps.</summary>
    public void Dispose()
    {
        foreach (var map in Maps) map.Dispose();
    }
}
