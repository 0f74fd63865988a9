using Ebpf.Btf;
using Ebpf.Isa;
using Ebpf.ProgramTypes;

namespace Ebpf.Elf;

/// <summary>
/// Links one program as libbpf does: the entry function, then every function it reaches by bpf-to-bpf calls or
/// function-address <c>lddw</c>s, appended in the order first reached; call and address immediates re-computed for the
/// new layout; map and global-data references rewritten to <c>lddw src=5/6</c> with map indexes.
/// </summary>
internal sealed class ProgramLinker(ElfFile elf, CodeLayout code, MapTable maps, BtfExt? ext,
    Dictionary<int, Dictionary<ulong, ElfRelocation>> relocations)
{
    public ProgramSpec Link(ObjectFunction entry, SectionProgramType type, string license)
    {
        var build = new LinkState(code);
        build.Place(entry);
        for (int i = 0; i < build.Slots.Count; i++)
        {
            var (function, sectionIndex) = build.Origins[i];
            var instruction = build.Slots[i];
            relocations.TryGetValue(function.Section.Index, out var sectionRelocations);
            ElfRelocation? relocation = null;
            sectionRelocations?.TryGetValue((ulong)sectionIndex * Instruction.Size, out relocation);
            if (instruction.Opcode == Opcodes.Call && (instruction.Source == (byte)CallKind.Local || relocation is not null))
                LinkCall(build, i, instruction, function, sectionIndex, relocation, Where(function, sectionIndex));
            else if (instruction.IsLddw)
            {
                if (i + 1 >= build.Slots.Count || !ReferenceEquals(build.Origins[i + 1].Function, function))
                    throw new ElfFormatException($"{Where(function, sectionIndex)}: lddw without its second slot at the end of the function");
                if (relocation is not null) LinkLoad(build, i, instruction, relocation, Where(function, sectionIndex));
                i++;
            }
        }
        return new ProgramSpec
        {
            Name = entry.Name,
            SectionName = entry.Section.Name,
            ProgramType = type.ProgramType,
            ExpectedAttachType = type.ExpectedAttachType,
            License = license,
            Instructions = new Bytecode(build.Slots),
            Functions = build.Placed.Select(p => new LinkedFunction(p.Function.Name, p.Function.Section.Name, p.Base, p.Function.Length)).ToList(),
            Relocations = build.Relocations,
            FunctionInfos = Rebase(build, ext?.FunctionInfos, r => r.InstructionIndex, (r, index) => r with { InstructionIndex = index }),
            LineInfos = Rebase(build, ext?.LineInfos, r => r.InstructionIndex, (r, index) => r with { InstructionIndex = index }),
            CoreRelocations = Rebase(build, ext?.CoreRelocations, r => r.InstructionIndex, (r, index) => r with { InstructionIndex = index }),
        };
    }

    private void LinkCall(LinkState build, int i, Instruction call, ObjectFunction function, int sectionIndex, ElfRelocation? relocation, string where)
    {
        int targetSection = function.Section.Index;
        long target = sectionIndex + (long)call.Immediate + 1;
        if (relocation is not null)
        {
            var symbol = relocation.Symbol;
            if (!code.IsCode(symbol.SectionIndex))
                throw new ElfFormatException(symbol.SectionIndex == 0
                    ? $"{where} calls extern function '{symbol.Name}' (a kfunc?); calls to kernel functions need the kernel's BTF and are not supported"
                    : $"{where} calls symbol '{symbol.Name}' in section {SectionName(symbol.SectionIndex)}, which is not code");
            if (call.Source != (byte)CallKind.Local)
                throw new ElfFormatException($"{where}: a call with source {call.Source} has a relocation to '{symbol.Name}'; only bpf-to-bpf calls (source 1) are relocated");
            targetSection = symbol.SectionIndex;
            target = ((long)symbol.Value + relocation.Addend) / Instruction.Size + call.Immediate + 1;
        }
        var callee = code.FunctionAt(targetSection, target)
            ?? throw new ElfFormatException($"{where}: the call targets instruction {target} of section {SectionName(targetSection)}, which lies in no function");
        int calleeBase = build.Place(callee);
        int immediate = checked(calleeBase + (int)(target - callee.Start) - (i + 1));
        build.Slots[i] = new Instruction(call.Opcode, call.Destination, call.Source, call.Offset, immediate);
        build.Relocations.Add(new ProgramRelocation(i, ProgramRelocationKind.Call, callee.Name, -1, 0));
    }

    private void LinkLoad(LinkState build, int i, Instruction load, ElfRelocation relocation, string where)
    {
        var symbol = relocation.Symbol;
        int section = symbol.SectionIndex;
        long offset = (long)symbol.Value + relocation.Addend + load.Immediate;
        var second = build.Slots[i + 1];
        if (code.IsCode(section))
        {
            if (offset < 0 || offset % Instruction.Size != 0)
                throw new ElfFormatException($"{where}: the address of '{symbol.Name}' + {offset - (long)symbol.Value} is not an instruction boundary");
            var callee = code.FunctionAt(section, offset / Instruction.Size)
                ?? throw new ElfFormatException($"{where}: '{symbol.Name}' + {offset - (long)symbol.Value} lies in no function of section {SectionName(section)}");
            int calleeBase = build.Place(callee);
            int immediate = checked(calleeBase + (int)(offset / Instruction.Size - callee.Start) - (i + 1));
            build.Slots[i] = new Instruction(load.Opcode, load.Destination, (byte)LddwSource.Function, load.Offset, immediate);
            build.Slots[i + 1] = new Instruction(second.Opcode, second.Destination, second.Source, second.Offset, 0);
            build.Relocations.Add(new ProgramRelocation(i, ProgramRelocationKind.FunctionAddress, callee.Name, -1, 0));
        }
        else if (maps.IsMapSection(section))
        {
            int map = offset < 0 ? -1 : maps.MapAt(section, (ulong)offset);
            if (map < 0) throw new ElfFormatException($"{where}: '{symbol.Name}' at offset {offset} of section {SectionName(section)} is not the start of a map definition");
            build.Slots[i] = new Instruction(load.Opcode, load.Destination, (byte)LddwSource.MapByIndex, load.Offset, map);
            build.Slots[i + 1] = new Instruction(second.Opcode, second.Destination, second.Source, second.Offset, 0);
            build.Relocations.Add(new ProgramRelocation(i, ProgramRelocationKind.Map, maps.Maps[map].Name, map, 0));
        }
        else if (maps.DataSectionMap(section) is >= 0 and var map)
        {
            if (offset < 0 || offset > maps.Maps[map].ValueSize)
                throw new ElfFormatException($"{where}: '{symbol.Name}' + {offset - (long)symbol.Value} is outside the {maps.Maps[map].ValueSize}-byte section {SectionName(section)}");
            build.Slots[i] = new Instruction(load.Opcode, load.Destination, (byte)LddwSource.MapValueByIndex, load.Offset, map);
            build.Slots[i + 1] = new Instruction(second.Opcode, second.Destination, second.Source, second.Offset, (int)offset);
            build.Relocations.Add(new ProgramRelocation(i, ProgramRelocationKind.MapValue, maps.Maps[map].Name, map, (uint)offset));
        }
        else
        {
            throw new ElfFormatException(section == 0
                ? $"{where} loads the address of extern symbol '{symbol.Name}' (a ksym or kconfig variable?), which this loader does not resolve"
                : $"{where} loads the address of '{symbol.Name}' in section {SectionName(section)}, which is neither code, maps nor global data");
        }
    }

    private static string Where(ObjectFunction function, int sectionIndex) =>
        $"instruction {sectionIndex} of section '{function.Section.Name}' (function '{function.Name}')";

    private string SectionName(int index) =>
        index > 0 && index < elf.Sections.Count ? $"'{elf.Sections[index].Name}'" : $"#{index}";

    private static IReadOnlyList<T> Rebase<T>(LinkState build, IReadOnlyDictionary<string, IReadOnlyList<T>>? bySection,
        Func<T, int> indexOf, Func<T, int, T> withIndex)
    {
        if (bySection is null) return [];
        var result = new List<T>();
        foreach (var (function, @base) in build.Placed)
        {
            if (!bySection.TryGetValue(function.Section.Name, out var records)) continue;
            foreach (var record in records)
                if (function.Contains(indexOf(record)))
                    result.Add(withIndex(record, @base + indexOf(record) - function.Start));
        }
        return result.OrderBy(indexOf).ToList();
    }

    /// <summary>The program being linked: its slots, where each came from, and the functions placed so far.</summary>
    private sealed class LinkState(CodeLayout source)
    {
        public List<Instruction> Slots { get; } = [];
        public List<(ObjectFunction Function, int SectionIndex)> Origins { get; } = [];
        public List<(ObjectFunction Function, int Base)> Placed { get; } = [];
        public List<ProgramRelocation> Relocations { get; } = [];
        private readonly Dictionary<ObjectFunction, int> _bases = new(ReferenceEqualityComparer.Instance);

        /// <summary>Appends a function (once) and returns its first slot in the linked program.</summary>
        public int Place(ObjectFunction function)
        {
            if (_bases.TryGetValue(function, out int existing)) return existing;
            int start = Slots.Count;
            _bases[function] = start;
            Placed.Add((function, start));
            var code = source.CodeOf(function.Section);
            for (int i = 0; i < function.Length; i++)
            {
                Slots.Add(code[function.Start + i]);
                Origins.Add((function, function.Start + i));
            }
            return start;
        }
    }
}
