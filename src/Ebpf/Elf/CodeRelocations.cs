using Ebpf.Isa;

namespace Ebpf.Elf;

/// <summary>
/// The relocations of every code section, by section and byte offset, checked once: each has a type the loader
/// knows (R_BPF_64_64 or R_BPF_64_32) and lands on an <c>lddw</c> or a <c>call</c>.
/// </summary>
internal static class CodeRelocations
{
    public static Dictionary<int, Dictionary<ulong, ElfRelocation>> Index(ElfFile elf, CodeLayout code)
    {
        var index = new Dictionary<int, Dictionary<ulong, ElfRelocation>>();
        foreach (var section in code.CodeSections)
        {
            var bytecode = code.CodeOf(section);
            var bySlot = new Dictionary<ulong, ElfRelocation>();
            foreach (var relocation in elf.RelocationsFor(section))
            {
                string where = $"relocation at offset {relocation.Offset} of section '{section.Name}' (symbol '{relocation.Symbol.Name}')";
                if (relocation.Type == ElfRelocation.None) continue;
                if (relocation.Type is not (ElfRelocation.Bpf64 or ElfRelocation.Bpf32))
                    throw new ElfFormatException($"{where} has unknown type {relocation.Type}; code takes only R_BPF_64_64 (1) and R_BPF_64_32 (10)");
                if (relocation.Offset % Instruction.Size != 0 || relocation.Offset / Instruction.Size >= (ulong)bytecode.Count)
                    throw new ElfFormatException($"{where} does not point at an instruction of the {section.Data.Length}-byte section");
                var instruction = bytecode[(int)(relocation.Offset / Instruction.Size)];
                if (!instruction.IsLddw && instruction.Opcode != Opcodes.Call)
                    throw new ElfFormatException($"{where} points at instruction {relocation.Offset / Instruction.Size} ({instruction}), which is neither lddw nor call");
                if (!bySlot.TryAdd(relocation.Offset, relocation))
                    throw new ElfFormatException($"{where}: instruction {relocation.Offset / Instruction.Size} has two relocations");
            }
            index[section.Index] = bySlot;
        }
        return index;
    }
}
