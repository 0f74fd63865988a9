using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.Maps;

namespace Ebpf.Tests.Elf;

public class HandBuiltObjectTests
{
    // r1 = 0 ll; r0 = *(u32 *)(r1 + 0); exit
    private static readonly byte[] LoadAndExit = Convert.FromHexString("1801000000000000" + "0000000000000000" + "6110000000000000" + "9500000000000000");

    [Fact]
    public void Rela_relocations_take_their_addend_from_the_entry()
    {
        var elf = new ElfBuilder();
        int code = elf.Section("socket", ElfSection.ProgramBits, ElfSection.Allocated | ElfSection.Executable, LoadAndExit);
        int data = elf.Section(".data", ElfSection.ProgramBits, ElfSection.Allocated | ElfSection.Writable, new byte[16]);
        elf.Symbol("prog", code, 0, 32, ElfSymbol.Function, ElfSymbol.Global);
        int dataSymbol = elf.Symbol(".data", data, 0, 0, ElfSymbol.SectionSymbol, 0);
        elf.Section(".relasocket", ElfSection.Rela, 0, ElfBuilder.Rela(0, dataSymbol, ElfRelocation.Bpf64, 12), (uint)elf.SymbolTableIndex, (uint)code, 24);

        var spec = ObjectFile.Load(elf.Build());

        Assert.Equal(new MapSpec(".data", MapType.Array, 4, 16, 1), Assert.Single(spec.Maps));
        var program = spec.Program("prog");
        Assert.Equal((byte)LddwSource.MapValueByIndex, program.Instructions[0].Source);
        Assert.Equal((0, 12), (program.Instructions[0].Immediate, program.Instructions[1].Immediate));
        Assert.Equal(new ProgramRelocation(0, ProgramRelocationKind.MapValue, ".data", 0, 12), Assert.Single(program.Relocations));
        Assert.Equal("", spec.License);
    }

    [Fact]
    public void A_relocation_of_an_instruction_that_is_neither_lddw_nor_call_is_an_error()
    {
        var elf = new ElfBuilder();
        int code = elf.Section("socket", ElfSection.ProgramBits, ElfSection.Allocated | ElfSection.Executable, LoadAndExit);
        int data = elf.Section(".data", ElfSection.ProgramBits, ElfSection.Allocated | ElfSection.Writable, new byte[16]);
        elf.Symbol("prog", code, 0, 32, ElfSymbol.Function, ElfSymbol.Global);
        int dataSymbol = elf.Symbol("counter", data, 0, 8, ElfSymbol.Object, ElfSymbol.Global);
        elf.Section(".relasocket", ElfSection.Rela, 0, ElfBuilder.Rela(16, dataSymbol, ElfRelocation.Bpf64, 0), (uint)elf.SymbolTableIndex, (uint)code, 24);

        var error = Assert.Throws<ElfFormatException>(() => ObjectFile.Load(elf.Build()));
        Assert.Contains("relocation at offset 16 of section 'socket' (symbol 'counter') points at instruction 2", error.Message);
        Assert.Contains("neither lddw nor call", error.Message);
    }

    [Fact]
    public void A_reference_to_an_extern_symbol_names_it()
    {
        var elf = new ElfBuilder();
        int code = elf.Section("socket", ElfSection.ProgramBits, ElfSection.Allocated | ElfSection.Executable, LoadAndExit);
        elf.Symbol("prog", code, 0, 32, ElfSymbol.Function, ElfSymbol.Global);
        int external = elf.Symbol("bpf_prog_active", 0, 0, 0, ElfSymbol.NoType, ElfSymbol.Global);
        elf.Section(".relasocket", ElfSection.Rela, 0, ElfBuilder.Rela(0, external, ElfRelocation.Bpf64, 0), (uint)elf.SymbolTableIndex, (uint)code, 24);

        var error = Assert.Throws<ElfFormatException>(() => ObjectFile.Load(elf.Build()));
        Assert.Contains("instruction 0 of section 'socket' (function 'prog') loads the address of extern symbol 'bpf_prog_active'", error.Message);
    }
}
