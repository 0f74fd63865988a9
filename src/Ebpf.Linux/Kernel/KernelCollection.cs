using System.Buffers.Binary;
using Ebpf.Btf;
using Ebpf.Btf.Core;
using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.Linux.Programs;
using Ebpf.Linux.Syscalls;
using Ebpf.Maps;
using Ebpf.ProgramTypes;

namespace Ebpf.Linux.Kernel;

/// <summary>
/// A <see cref="CollectionSpec"/> loaded into the Linux kernel, as libbpf's <c>bpf_object__load</c> does: its BTF loaded,
/// its maps created (with BTF key/value types, reusing maps pinned by name), global data written and <c>.rodata</c>
/// frozen, CO-RE relocations applied against the running kernel's BTF, map references in the programs turned into map
/// fds, the programs verified and loaded with their func_info and
/// line_info (so a rejection names the source line), and program arrays and map-in-map slots filled. Dispose it to
/// close every fd; objects that are pinned or attached stay in the kernel.
/// </summary>
public sealed class KernelCollection : IDisposable
{
    private readonly Dictionary<string, KernelMap> _maps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KernelProgram> _programs = new(StringComparer.Ordinal);
    private readonly List<string> _notes = [];
    private BpfFileDescriptor? _btf;

    private KernelCollection(CollectionSpec spec) => Spec = spec;

    /// <summary>The spec this collection was loaded from.</summary>
    public CollectionSpec Spec { get; }

    /// <summary>The maps, by name.</summary>
    public IReadOnlyDictionary<string, KernelMap> Maps => _maps;

    /// <summary>The loaded programs, by name.</summary>
    public IReadOnlyDictionary<string, KernelProgram> Programs => _programs;

    /// <summary>What the load chose to do differently from a plain load, in words (BTF refused and left out, a pinned map reused).</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>The id of the collection's BTF object in the kernel, or null when it was loaded without BTF.</summary>
    public uint? BtfId { get; private set; }

    /// <summary>The map named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such map; the message lists the maps.</exception>
    public KernelMap Map(string name) => _maps.TryGetValue(name, out var map) ? map
        : throw new KeyNotFoundException($"the collection has no map '{name}'; it has: {string.Join(", ", _maps.Keys)}");

    /// <summary>The loaded program named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such program, or it was not loaded; the message lists the loaded ones.</exception>
    public KernelProgram Program(string name) => _programs.TryGetValue(name, out var program) ? program
        : throw new KeyNotFoundException($"the collection has no loaded program '{name}'; loaded: {string.Join(", ", _programs.Keys)}");

    /// <summary>Loads <paramref name="spec"/> into the kernel.</summary>
    /// <exception cref="KernelErrorException">The kernel refused a map, the BTF or a program; the message names it and, for a verifier rejection, carries the log.</exception>
    /// <exception cref="ArgumentException">A program named in the options does not exist, or has no kernel program type.</exception>
    /// <exception cref="CoreRelocationException">A CO-RE relocation is malformed or ambiguous against the kernel's BTF.</exception>
    /// <exception cref="KernelBtfUnavailableException">A program needs CO-RE but the kernel exposes no BTF (/sys/kernel/btf/vmlinux).</exception>
    public static KernelCollection Load(CollectionSpec spec, KernelCollectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        options ??= new KernelCollectionOptions();
        var collection = new KernelCollection(spec);
        try
        {
            collection.LoadAll(options);
            return collection;
        }
        catch
        {
            collection.Dispose();
            throw;
        }
    }

    private void LoadAll(KernelCollectionOptions options)
    {
        var programs = SelectPrograms(options);
        var btfWriter = options.UseBtf && Spec.Btf is not null ? new BtfWriter(Spec.Btf) : null;
        // Line records name their strings by offset in the BTF string section, so they are encoded before the BTF is.
        var lineInfos = programs.ToDictionary(p => p.Name, p => btfWriter is null ? null : LineInfoRecords(p, btfWriter));
        if (btfWriter is not null) LoadBtf(btfWriter.ToArray());

        foreach (var mapSpec in Spec.Maps) _maps.Add(mapSpec.Name, CreateOrReuse(mapSpec, options));
        WriteInitialData();

        foreach (var program in programs)
        {
            // CO-RE: field offsets, sizes and existence computed against this kernel's BTF, before map fds go in.
            var relocated = CoreRelocator.ApplyForRunningKernel(program, Spec.Btf).Instructions;
            var request = new ProgramLoadRequest(options.ProgramTypeOverride ?? program.ProgramType, WithMapFds(program, relocated), program.License, program.Name)
            {
                ExpectedAttachType = program.ExpectedAttachType,
                KernelVersion = Spec.KernelVersion ?? 0,
                LogLevel = options.VerifierLogLevel,
                Btf = _btf is null || program.FunctionInfos.Count == 0 ? null
                    : new ProgramBtf(_btf.AsAttrField, FunctionInfoRecords(program), lineInfos[program.Name]),
            };
            _programs.Add(program.Name, KernelProgram.Load(request));
        }
        FillProgramArrays();
    }

    private List<ProgramSpec> SelectPrograms(KernelCollectionOptions options)
    {
        var selected = options.Programs is null ? Spec.Programs.ToList()
            : options.Programs.Select(name => Spec.FindProgram(name)
                ?? throw new ArgumentException($"the object has no program '{name}'; it has: {string.Join(", ", Spec.Programs.Select(p => p.Name))}")).ToList();
        foreach (var program in selected)
        {
            var type = options.ProgramTypeOverride ?? program.ProgramType;
            if (type == ProgramTypeId.Unspecified)
                throw new ArgumentException($"program '{program.Name}' is in section '{program.SectionName}', which names no program type; " +
                    "pass a program type override (ebpf … --type NAME) or load only the other programs");
            if (KnownProgramTypes.Find(type) is { KernelId: < 0 })
                throw new ArgumentException($"program '{program.Name}' has the user-space-only type {type}; the kernel cannot load it");
        }
        return selected;
    }

    private void LoadBtf(byte[] blob)
    {
        try
        {
            _btf = BtfLoader.Load(blob, "the object's BTF");
            BtfId = KernelObjects.BtfInfoId(_btf);
        }
        catch (KernelErrorException e) when (!e.IsPermissionDenied)
        {
            _notes.Add($"the kernel refused the object's BTF, so maps and programs load without it (no source lines in kernel errors): {e.Message}");
        }
    }

    private KernelMap CreateOrReuse(MapSpec spec, KernelCollectionOptions options)
    {
        if (spec.Pinning == MapPinning.ByName && options.PinMapsByName)
        {
            string path = Path.Combine(options.MapPinDirectory, PinName(spec.Name));
            if (File.Exists(path))
            {
                var pinned = KernelMap.FromPin(path);
                if (pinned.Type != spec.Type || pinned.KeySize != spec.KeySize || pinned.ValueSize != spec.ValueSize || pinned.MaxEntries != spec.MaxEntries)
                {
                    string found = pinned.ToString();
                    pinned.Dispose();
                    throw new ArgumentException($"map '{spec.Name}' is pinned at {path} as {found}, which differs from the object's {spec}; " +
                        "remove the pin (rm) or use another pin directory");
                }
                _notes.Add($"map '{spec.Name}' reuses the map pinned at {path}");
                return pinned;
            }
            var created = Create(spec);
            try
            {
                created.Pin(path);
            }
            catch
            {
                created.Dispose();
                throw;
            }
            return created;
        }
        return Create(spec);
    }

    private KernelMap Create(MapSpec spec)
    {
        if (_btf is not null && Spec.Btf is { } btf && MapBtfTypes.Find(btf, spec) is { } types)
        {
            try
            {
                return KernelMap.Create(spec, new MapBtf(_btf.AsAttrField, types.Key, types.Value));
            }
            catch (KernelErrorException e) when (e.ErrorNumber == Errno.EINVAL)
            {
                _notes.Add($"map '{spec.Name}' was created without BTF: the kernel refused its BTF key/value types");
            }
        }
        return KernelMap.Create(spec, btf: null);
    }

    private void WriteInitialData()
    {
        var key = new byte[4];
        foreach (var initial in Spec.MapInitialValues)
        {
            var map = _maps[initial.MapName];
            BinaryPrimitives.WriteUInt32LittleEndian(key, initial.Key);
            switch (initial)
            {
                case MapInitialBytes bytes:
                    var value = new byte[map.HostValueSize];
                    bytes.Value.Span[..Math.Min(bytes.Value.Length, value.Length)].CopyTo(value);
                    map.Update(key.AsSpan(0, map.KeySize), value);
                    break;
                case MapInitialMap inner:
                    var fd = new byte[4];
                    BinaryPrimitives.WriteInt32LittleEndian(fd, _maps[inner.InnerMapName].FileDescriptor);
                    map.Update(key.AsSpan(0, map.KeySize), fd);
                    break;
            }
        }
        // libbpf freezes .rodata so the verifier may treat its bytes as constants, and user space cannot change them.
        foreach (var map in _maps.Values)
            if (map.Name.StartsWith(".rodata", StringComparison.Ordinal) && (map.Flags & MapCreationFlags.ReadOnlyProgram) != 0)
                map.Freeze();
    }

    private void FillProgramArrays()
    {
        var key = new byte[4];
        var fd = new byte[4];
        foreach (var initial in Spec.MapInitialValues.OfType<MapInitialProgram>())
        {
            if (!_programs.TryGetValue(initial.ProgramName, out var program)) continue; // not selected for loading
            BinaryPrimitives.WriteUInt32LittleEndian(key, initial.Key);
            BinaryPrimitives.WriteInt32LittleEndian(fd, program.FileDescriptor);
            _maps[initial.MapName].Update(key, fd);
        }
    }

    /// <summary>The program's instructions with map-by-index loads turned into map-by-fd loads, as the kernel takes them.</summary>
    private Bytecode WithMapFds(ProgramSpec program, Bytecode instructions) =>
        MapReferences.ToFds(instructions, index => index >= 0 && index < Spec.Maps.Count
            ? _maps[Spec.Maps[index].Name].FileDescriptor
            : throw new ArgumentException($"program '{program.Name}' refers to map index {index}, but the object has {Spec.Maps.Count} maps"));

    private static byte[] FunctionInfoRecords(ProgramSpec program)
    {
        var records = new byte[program.FunctionInfos.Count * ProgramLoader.FunctionInfoSize];
        for (int i = 0; i < program.FunctionInfos.Count; i++)
        {
            var info = program.FunctionInfos[i];
            BinaryPrimitives.WriteUInt32LittleEndian(records.AsSpan(i * 8), (uint)info.InstructionIndex);
            BinaryPrimitives.WriteUInt32LittleEndian(records.AsSpan(i * 8 + 4), info.TypeId);
        }
        return records;
    }

    private static byte[]? LineInfoRecords(ProgramSpec program, BtfWriter btf)
    {
        if (program.LineInfos.Count == 0) return null;
        var records = new byte[program.LineInfos.Count * ProgramLoader.LineInfoSize];
        for (int i = 0; i < program.LineInfos.Count; i++)
        {
            var line = program.LineInfos[i];
            var record = records.AsSpan(i * ProgramLoader.LineInfoSize);
            BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)line.InstructionIndex);
            BinaryPrimitives.WriteUInt32LittleEndian(record[4..], btf.StringOffset(line.FileName));
            BinaryPrimitives.WriteUInt32LittleEndian(record[8..], btf.StringOffset(line.LineText));
            BinaryPrimitives.WriteUInt32LittleEndian(record[12..], line.Line << 10 | Math.Min(line.Column, 0x3ffu));
        }
        return records;
    }

    /// <summary>
    /// Pins every map and loaded program under <paramref name="directory"/> (created if missing, inside a bpf file
    /// system): programs at <c>DIR/NAME</c>, maps at <c>DIR/maps/NAME</c>, as <c>bpftool prog loadall … pinmaps</c> lays them
    /// out. The bpf file system refuses '.' in names, so <c>.rodata</c> is pinned as <c>_rodata</c>. When a pin fails, the
    /// pins made so far are removed again.
    /// </summary>
    /// <returns>The paths pinned, programs first.</returns>
    public IReadOnlyList<string> PinAll(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(Path.Combine(directory, "maps"));
        var pinned = new List<string>();
        try
        {
            foreach (var (name, program) in _programs)
            {
                string path = Path.Combine(directory, PinName(name));
                program.Pin(path);
                pinned.Add(path);
            }
            foreach (var (name, map) in _maps)
            {
                string path = Path.Combine(directory, "maps", PinName(name));
                map.Pin(path);
                pinned.Add(path);
            }
            return pinned;
        }
        catch
        {
            foreach (var path in pinned) File.Delete(path);
            throw;
        }
    }

    /// <summary>The file name an object is pinned under: its name with the '.' the bpf file system refuses replaced by '_'.</summary>
    public static string PinName(string name) => name.Replace('.', '_');

    /// <summary>Closes every fd of the collection (programs, maps, BTF).</summary>
    public void Dispose()
    {
        foreach (var program in _programs.Values) program.Dispose();
        foreach (var map in _maps.Values) map.Dispose();
        _btf?.Dispose();
    }
}
