using System.Buffers.Binary;
using Ebpf.Btf;
using Ebpf.Elf;

namespace Ebpf.Tests.Elf;

public class MalformedObjectTests
{
    [Fact]
    public void A_truncated_header_is_an_error()
    {
        var error = Assert.Throws<ElfFormatException>(() => ObjectFile.Load(TestObjects.Bytes("xdp_counter.o").AsMemory(0, 40)));
        Assert.Contains("shorter than the 64-byte ELF64 header", error.Message);
    }

    [Fact]
    public void A_section_offset_past_the_end_names_the_section()
    {
        var bytes = TestObjects.Bytes("xdp_counter.o");
        int header = ElfPatch.SectionHeader(bytes, "xdp");
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(header + 24), 0x10_0000);
        var error = Assert.Throws<ElfFormatException>(() => ObjectFile.Load(bytes));
        Assert.Contains("offset 1048576", error.Message);
        Assert.Contains("extends past the end", error.Message);
    }

    [Fact]
    public void A_section_name_offset_past_the_string_table_is_an_error()
    {
        var bytes = TestObjects.Bytes("xdp_counter.o");
        int header = ElfPatch.SectionHeader(bytes, "license");
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(header), 0xffff);
        var error = Assert.Throws<ElfFormatException>(() => ObjectFile.Load(bytes));
        Assert.Contains("string-table offset 65535", error.Message);
    }

    [Fact]
    public void An_unknown_relocation_type_names_section_offset_and_symbol()
    {
        var bytes = TestObjects.Bytes("xdp_counter.o");
        int relocations = ElfPatch.SectionData(bytes, ".relxdp");
        bytes[relocations + 8] = 7;   // r_info low byte: the type of the first relocation
        var error = Assert.Throws<ElfFormatException>(() => ObjectFile.Load(bytes));
        Assert.Contains("relocation at offset 32 of section 'xdp' (symbol 'packet_counts') has unknown type 7", error.Message);
    }

    [Fact]
    public void A_reference_to_a_symbol_in_an_unknown_section_is_an_error()
    {
        var bytes = TestObjects.Bytes("xdp_counter.o");
        int license = ElfFile.Read(bytes).FindSection("license")!.Index;
        int symbol = ElfPatch.Symbol(bytes, "packet_counts");
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(symbol + 6), (ushort)license);
        var error = Assert.Throws<ElfFormatException>(() => ObjectFile.Load(bytes));
        Assert.Contains("instruction 4 of section 'xdp' (function 'count_packets') loads the address of 'packet_counts' in section 'license'", error.Message);
    }

    [Fact]
    public void A_call_into_no_function_is_an_error()
    {
        var bytes = TestObjects.Bytes("calls.o");
        int code = ElfPatch.SectionData(bytes, "kprobe/do_sys_open");
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(code + 8 + 4), 500);   // call at instruction 1
        var error = Assert.Throws<ElfFormatException>(() => ObjectFile.Load(bytes));
        Assert.Contains("targets instruction 501 of section '.text', which lies in no function", error.Message);
    }

    [Fact]
    public void A_legacy_map_definition_with_unknown_non_zero_fields_is_an_error()
    {
        var bytes = TestObjects.Bytes("xdp_counter_legacy.o");
        int header = ElfPatch.SectionHeader(bytes, "maps");
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(header + 32), 48);   // 2 maps in 48 bytes: 24 each, the 5th word of 'drops' now extra
        Assert.Contains("legacy map 'packet_counts': its 24-byte definition has non-zero fields after the first 20 bytes",
            Assert.Throws<ElfFormatException>(() => ObjectFile.Load(bytes)).Message);
    }

    [Fact]
    public void Corrupt_btf_is_a_btf_error()
    {
        var bytes = TestObjects.Bytes("xdp_counter.o");
        int btf = ElfPatch.SectionData(bytes, ".BTF");
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(btf + 20), 0x7fff_0000);   // string section length
        Assert.Contains("string section", Assert.Throws<BtfFormatException>(() => ObjectFile.Load(bytes)).Message);
    }

    [Fact]
    public void Malformed_errors_are_ebpf_exceptions()
    {
        Assert.IsAssignableFrom<EbpfException>(new ElfFormatException("x"));
        Assert.IsAssignableFrom<EbpfException>(new BtfFormatException("x"));
    }
}
