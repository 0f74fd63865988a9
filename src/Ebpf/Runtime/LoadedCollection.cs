using Ebpf.Elf;
using Ebpf.Maps;
using Ebpf.ProgramTypes;
using Ebpf.Verifier;

namespace Ebpf.Runtime;

/// <summary>
/// A <see cref="CollectionSpec"/> made live in user space: its maps created (with their initial contents: global
/// data, map-in-map slots) and its programs prepared on an engine with those maps. Programs are verified first (see
/// <see cref="ProgramVerification"/>): accepted ones run without memory checks, rejected ones cannot run. Dispose it to
/// free the maps.
/// </summary>
public sealed class LoadedCollection : IDisposable
{
    private readonly Dictionary<string, IExecutableProgram> _programs = new();
    private readonly Dictionary<string, VerificationResult> _verdicts = new();

    private LoadedCollection(CollectionSpec spec, Map[] maps)
    {
        Spec = spec;
        Maps = maps;
    }

    /// <summary>Whether programs are verified before they run (<see cref="ProgramVerification.Verified"/> unless the creator chose otherwise).</summary>
    public ProgramVerification Verification { get; init; } = ProgramVerification.Verified;

    /// <summary>How the verifier checks (privileged rules by default).</summary>
    public VerifierOptions? VerifierOptions { get; init; }

    /// <summary>A program type name (the kernel's, without prefix) the verifier uses instead of each section's, or null.</summary>
    public string? ProgramTypeOverride { get; init; }

    /// <summary>The verifier's verdict on each program, once programs are prepared; empty for unverified collections.</summary>
    public IReadOnlyDictionary<string, VerificationResult> Verdicts => _verdicts;

    /// <summary>The spec this collection was made from.</summary>
    public CollectionSpec Spec { get; }

    /// <summary>The live maps, in the spec's order (the index programs refer to).</summary>
    public IReadOnlyList<Map> Maps { get; }

    /// <summary>The map named <paramref name="name"/>.</summary>
    public Map Map(string name) => Maps.FirstOrDefault(m => m.Name == name)
        ?? throw new KeyNotFoundException($"the collection has no map '{name}'; it has: {string.Join(", ", Maps.Select(m => m.Name))}");

    /// <summary>Creates the maps of <paramref name="spec"/> and fills their initial contents.</summary>
    /// <exception cref="MapException">A map could not be created (the message says which and why).</exception>
    /// <param name="spec">The object.</param>
    /// <param name="mapOptions">How maps are created (processor slots, …), or null for the defaults.</param>
    /// <param name="verification">Whether programs are verified before they run.</param>
    /// <param name="verifierOptions">How the verifier checks, or null for the privileged defaults.</param>
    /// <param name="programType">A program type name to verify every program as, instead of each section's type.</param>
    public static LoadedCollection Create(CollectionSpec spec, MapCreateOptions? mapOptions = null,
        ProgramVerification verification = ProgramVerification.Verified, VerifierOptions? verifierOptions = null, string? programType = null)
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
            return new LoadedCollection(spec, [.. maps]) { Verification = verification, VerifierOptions = verifierOptions, ProgramTypeOverride = programType };
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
    /// <exception cref="ProgramLoadException">The verifier rejected the program (the message explains why).</exception>
    public IExecutableProgram Program(string name, ExecutionEngine engine = ExecutionEngine.Jit, ExecutionOptions? options = null)
    {
        var spec = Spec.Program(name);
        if (!_prepared)
        {
            foreach (var program in Spec.Programs) Prepare(program, engine, options);
            FillProgramArrays();
            _prepared = true;
        }
        if (_programs.TryGetValue(spec.Name, out var prepared)) return prepared;
        var verdict = _verdicts[spec.Name];
        throw new ProgramLoadException(Math.Max(verdict.Instruction, 0),
            $"{verdict.Message}\n(the verifier rejected it; to run it anyway, unverified and with every access checked, load the collection with ProgramVerification.Unverified — `ebpf run --unverified`)");
    }

    private bool _prepared;

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
        bool checksChosen = options is not null;
        options = (options ?? new ExecutionOptions()) with { Maps = Maps };
        if (Verification == ProgramVerification.Verified)
        {
            var verdict = ProgramVerifier.Verify(spec, Spec, (VerifierOptions ?? new VerifierOptions()) with { Helpers = VerifierOptions?.Helpers ?? options.Helpers },
                ProgramTypeOverride);
            _verdicts[name] = verdict;
            if (!verdict.Accepted) return;   // not runnable; Program() explains why, and program arrays leave its slots empty
            // Proven safe: no checks needed, unless the caller's options ask for them.
            if (!checksChosen) options = options with { MemoryChecks = MemoryChecks.Unchecked };
        }
        else options = options with { MemoryChecks = MemoryChecks.Checked };
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
