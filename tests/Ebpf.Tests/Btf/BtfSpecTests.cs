using System.Buffers.Binary;
using Ebpf.Btf;
using Ebpf.Elf;
using Ebpf.Tests.Elf;

namespace Ebpf.Tests.Btf;

public class BtfSpecTests
{
    [Fact]
    public void Types_of_a_clang_object_have_their_names_and_sizes()
    {
        var btf = TestObjects.Load("xdp_counter.o").Btf!;

        var context = btf.FindByName<BtfComposite>("xdp_md")!;
        Assert.Equal((BtfKind.Struct, 24u, 6), (context.Kind, context.Size, context.Members.Count));
        Assert.Equal(("ingress_ifindex", 96u), (context.Members[3].Name, context.Members[3].BitOffset));
        var u32 = btf.FindByName<BtfReference>("__u32")!;
        Assert.Equal(BtfKind.Typedef, u32.Kind);
        Assert.Equal(new BtfInt(u32.TargetId, "unsigned int", 4, BtfIntEncoding.None, 0, 32), btf.Resolve(u32.Id));
        Assert.Equal(4u, btf.SizeOf(u32.Id));
        var function = btf.FindByName<BtfFunction>("count_packets")!;
        Assert.Equal(BtfLinkage.Global, function.Linkage);
        var prototype = Assert.IsType<BtfFunctionPrototype>(btf.TypeById(function.PrototypeId));
        Assert.Equal("ctx", Assert.Single(prototype.Parameters).Name);
        var maps = btf.FindByName<BtfDataSection>(".maps")!;
        Assert.Equal(48u, maps.Size);   // six pointers: type, max_entries, key, value, map_flags, pinning
        Assert.Equal(48u, btf.SizeOf(maps.Id));
    }

    [Fact]
    public void Data_section_sizes_and_variable_offsets_are_filled_from_the_elf_object()
    {
        var raw = BtfSpec.Parse(ElfFile.Read(TestObjects.Bytes("global_data.o")).FindSection(".BTF")!.Data);
        var rawBss = raw.FindByName<BtfDataSection>(".bss")!;
        Assert.Equal(0u, rawBss.Size);   // what clang writes into .o files
        Assert.All(rawBss.Variables, v => Assert.Equal(0u, v.Offset));

        var btf = TestObjects.Load("global_data.o").Btf!;
        var bss = btf.FindByName<BtfDataSection>(".bss")!;
        Assert.Equal(12u, bss.Size);
        Assert.Equal([("bytes_seen", 0u, 8u), ("last_length", 8u, 4u)],
            bss.Variables.Select(v => (btf.TypeById(v.VariableId).Name, v.Offset, v.Size)));
        var rodata = btf.FindByName<BtfDataSection>(".rodata")!;
        Assert.Equal([("threshold", 0u), ("greeting", 4u)], rodata.Variables.Select(v => (btf.TypeById(v.VariableId).Name, v.Offset)));
        var threshold = btf.FindByName<BtfVariable>("threshold")!;
        var constant = Assert.IsType<BtfReference>(btf.TypeById(threshold.TypeId));
        Assert.Equal(BtfKind.Const, constant.Kind);
        Assert.Equal(BtfKind.Volatile, btf.TypeById(constant.TargetId).Kind);
        Assert.Equal("__u32", btf.SkipQualifiers(threshold.TypeId).Name);
        Assert.Equal(6u, btf.SizeOf(btf.FindByName<BtfVariable>("greeting")!.Id));
    }

    [Fact]
    public void Every_kind_parses()
    {
        var blob = new BtfBlob();
        blob.Type("int", 1, 0, 4, false, 0x0100_0020);              // 1 INT signed 32 bits
        blob.Type("", 2, 0, 1);                                      // 2 PTR -> int
        blob.Type("", 3, 0, 0, false, 1, 1, 5);                      // 3 ARRAY int[5]
        blob.Type("pair", 4, 2, 8, false, blob.String("a"), 1, 0, blob.String("b"), 1, 32);  // 4 STRUCT
        blob.Type("bits", 5, 1, 4, true, blob.String("low"), 1, 3u << 24 | 0);            // 5 UNION with a bitfield
        blob.Type("color", 6, 2, 4, true, blob.String("RED"), 0xffff_ffff, blob.String("BLUE"), 2); // 6 signed ENUM
        blob.Type("later", 7, 0, 0, true);                           // 7 FWD union
        blob.Type("myint", 8, 0, 1);                                 // 8 TYPEDEF
        blob.Type("", 9, 0, 8);                                      // 9 VOLATILE
        blob.Type("", 10, 0, 9);                                     // 10 CONST
        blob.Type("", 11, 0, 2);                                     // 11 RESTRICT
        blob.Type("", 13, 2, 1, false, blob.String("x"), 1, 0, 0);  // 12 FUNC_PROTO int(int x, ...)
        blob.Type("f", 12, 1, 12);                                   // 13 FUNC global
        blob.Type("v", 14, 0, 3, false, 1);                          // 14 VAR global int[5]
        blob.Type(".data", 15, 1, 20, false, 14, 0, 20);             // 15 DATASEC
        blob.Type("double", 16, 0, 8);                               // 16 FLOAT
        blob.Type("tag", 17, 0, 4, false, 0xffff_ffff);              // 17 DECL_TAG on pair, whole
        blob.Type("user", 18, 0, 1);                                 // 18 TYPE_TAG
        blob.Type("big", 19, 1, 8, false, blob.String("HUGE"), 1, 2); // 19 ENUM64 = 0x2_0000_0001

        var btf = BtfSpec.Parse(blob.Build());

        Assert.Equal(20, btf.Types.Count);
        Assert.Equal(new BtfInt(1, "int", 4, BtfIntEncoding.Signed, 0, 32), btf.TypeById(1));
        Assert.Equal(8u, btf.SizeOf(2));
        Assert.Equal(20u, btf.SizeOf(3));
        var pair = Assert.IsType<BtfComposite>(btf.TypeById(4));
        Assert.Equal(("b", 32u), (pair.Members[1].Name, pair.FindMember("b")!.BitOffset));
        var bits = Assert.IsType<BtfComposite>(btf.TypeById(5));
        Assert.Equal((BtfKind.Union, (byte)3), (bits.Kind, bits.Members[0].BitfieldSize));
        var color = Assert.IsType<BtfEnum>(btf.TypeById(6));
        Assert.Equal([("RED", -1L), ("BLUE", 2L)], color.Values.Select(v => (v.Name, v.Value)));
        Assert.True(Assert.IsType<BtfForward>(btf.TypeById(7)).IsUnion);
        Assert.Equal("int", btf.Resolve(10).Name);
        Assert.Equal(4u, btf.SizeOf(10));
        Assert.Equal(BtfKind.Restrict, btf.TypeById(11).Kind);
        Assert.Equal(8u, btf.SizeOf(11));
        Assert.Equal(2, Assert.IsType<BtfFunctionPrototype>(btf.TypeById(12)).Parameters.Count);
        Assert.Equal(BtfLinkage.Global, Assert.IsType<BtfFunction>(btf.FindByName("f").Single()).Linkage);
        Assert.Equal(20u, btf.SizeOf(14));
        Assert.Equal(new BtfSectionVariable(14, 0, 20), Assert.IsType<BtfDataSection>(btf.TypeById(15)).Variables.Single());
        Assert.Equal(8u, btf.SizeOf(16));
        Assert.Equal(new BtfDeclarationTag(17, "tag", 4, -1), btf.TypeById(17));
        Assert.Equal(BtfKind.TypeTag, btf.TypeById(18).Kind);
        Assert.Equal(0x2_0000_0001L, Assert.IsType<BtfEnum>(btf.TypeById(19)).Values[0].Value);
        Assert.Throws<BtfFormatException>(() => btf.SizeOf(13));   // a function has no size
    }

    [Fact]
    public void A_typedef_loop_is_reported_instead_of_followed_forever()
    {
        var btf = BtfSpec.Parse(new BtfBlob().Type("a", 8, 0, 2).Type("b", 8, 0, 1).Build());

        var error = Assert.Throws<BtfFormatException>(() => btf.SizeOf(1));
        Assert.Contains("loop", error.Message);
        Assert.Throws<BtfFormatException>(() => btf.Resolve(2));
    }

    [Fact]
    public void A_truncated_header_is_an_error()
    {
        var bytes = new BtfBlob().Type("int", 1, 0, 4, false, 32).Build();
        var error = Assert.Throws<BtfFormatException>(() => BtfSpec.Parse(bytes.AsMemory(0, 12)));
        Assert.Contains("header", error.Message);
    }

    [Fact]
    public void A_bad_string_offset_names_the_type()
    {
        var bytes = new BtfBlob().Type("int", 1, 0, 4, false, 32).Build();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(24), 999);
        var error = Assert.Throws<BtfFormatException>(() => BtfSpec.Parse(bytes));
        Assert.Contains("type 1", error.Message);
        Assert.Contains("string offset 999", error.Message);
    }

    [Fact]
    public void A_type_section_past_the_end_is_an_error()
    {
        var bytes = new BtfBlob().Type("int", 1, 0, 4, false, 32).Build();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), 4000);
        Assert.Contains("type section", Assert.Throws<BtfFormatException>(() => BtfSpec.Parse(bytes)).Message);
    }

    [Fact]
    public void A_record_cut_short_is_an_error()
    {
        var bytes = new BtfBlob().Type("pair", 4, 3, 8, false, 0, 0, 0).Build();   // claims 3 members, holds 1
        Assert.Contains("type 1", Assert.Throws<BtfFormatException>(() => BtfSpec.Parse(bytes)).Message);
    }

    [Fact]
    public void An_unknown_kind_and_a_dangling_type_id_are_errors()
    {
        Assert.Contains("unknown kind 25", Assert.Throws<BtfFormatException>(() => BtfSpec.Parse(new BtfBlob().Type("x", 25, 0, 0).Build())).Message);
        Assert.Contains("type 99", Assert.Throws<BtfFormatException>(() => BtfSpec.Parse(new BtfBlob().Type("", 2, 0, 99).Build())).Message);
    }

    [Fact]
    public void Line_records_of_btf_ext_carry_file_line_column_and_text()
    {
        var ext = ObjectFile.ReadBtf(ElfFile.Read(TestObjects.Bytes("calls.o")))!.Ext;

        var lines = ext.LineInfos[".text"];
        var square = lines.Single(l => l.InstructionIndex == 8);
        Assert.Equal((6u, 11u, "\treturn x * x;"), (square.Line, square.Column, square.LineText));
        Assert.Equal([0, 7, 10], ext.FunctionInfos[".text"].Select(f => f.InstructionIndex));
        Assert.Equal([".text", "kprobe/do_sys_open", "tracepoint/syscalls/sys_enter_write"], ext.FunctionInfos.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_bad_btf_ext_record_size_is_an_error()
    {
        var elf = ElfFile.Read(TestObjects.Bytes("calls.o"));
        var btf = ObjectFile.ReadBtf(elf)!.Types;
        var ext = elf.FindSection(".BTF.ext")!.Data.ToArray();
        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(ext.AsSpan(4));
        uint funcInfoOffset = BinaryPrimitives.ReadUInt32LittleEndian(ext.AsSpan(8));
        BinaryPrimitives.WriteUInt32LittleEndian(ext.AsSpan((int)(headerLength + funcInfoOffset)), 3);
        Assert.Contains("func_info record size 3", Assert.Throws<BtfFormatException>(() => BtfExt.Parse(ext, btf)).Message);
    }
}
