using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.Maps;

namespace Ebpf.Tests.Elf;

public class ObjectFileMapTests
{
    [Fact]
    public void A_btf_map_definition_gives_every_field()
    {
        var spec = TestObjects.Load("xdp_counter.o");

        var map = Assert.Single(spec.Maps);
        Assert.Equal(new MapSpec("packet_counts", MapType.Hash, 4, 8, 64, MapCreationFlags.NoPrealloc) { Pinning = MapPinning.ByName }, map);
        Assert.Null(map.InnerMap);
        Assert.Equal(0ul, map.MapExtra);
    }

    [Fact]
    public void Map_references_become_lddw_map_by_index()
    {
        var program = TestObjects.Load("xdp_counter.o").Program("count_packets");

        Assert.Equal(23, program.Instructions.Count);
        foreach (int index in new[] { 4, 17 })
        {
            Assert.Equal((byte)LddwSource.MapByIndex, program.Instructions[index].Source);
            Assert.Equal(0, program.Instructions[index].Immediate);
            Assert.Equal(0, program.Instructions[index + 1].Immediate);
        }
        Assert.Equal([new ProgramRelocation(4, ProgramRelocationKind.Map, "packet_counts", 0, 0), new ProgramRelocation(17, ProgramRelocationKind.Map, "packet_counts", 0, 0)],
            program.Relocations);
    }

    [Fact]
    public void Legacy_map_definitions_are_read_in_offset_order()
    {
        var spec = TestObjects.Load("xdp_counter_legacy.o");

        Assert.Equal([new MapSpec("packet_counts", MapType.Hash, 4, 8, 64), new MapSpec("drops", MapType.Array, 4, 4, 4)], spec.Maps);
        var program = spec.Program("count_packets");
        Assert.Equal([(4, 0), (14, 1)], program.Relocations.Select(r => (r.InstructionIndex, r.MapIndex)));
        Assert.Equal(1, program.Instructions[14].Immediate);
        Assert.Equal((byte)LddwSource.MapByIndex, program.Instructions[14].Source);
    }

    [Fact]
    public void Global_data_sections_become_single_element_arrays_and_references_map_values()
    {
        var spec = TestObjects.Load("global_data.o");

        Assert.Equal([
            new MapSpec(".rodata", MapType.Array, 4, 10, 1, MapCreationFlags.ReadOnlyProgram),
            new MapSpec(".data", MapType.Array, 4, 24, 1),
            new MapSpec(".bss", MapType.Array, 4, 12, 1),
        ], spec.Maps);
        var initial = spec.MapInitialValues.Cast<MapInitialBytes>().ToList();
        Assert.Equal([".rodata", ".data"], initial.Select(v => v.MapName));
        Assert.Equal("6400000068656c6c6f00", Convert.ToHexString(initial[0].Value.Span).ToLowerInvariant());
        Assert.Equal("070000000000000001000000020000000300000004000000", Convert.ToHexString(initial[1].Value.Span).ToLowerInvariant());

        var program = spec.Program("filter");
        // scratch (.data + 8), packets (.data + 0), threshold (.rodata + 0), last_length (.bss + 8), bytes_seen (.bss + 0)
        Assert.Equal([(1, 1, 8u), (5, 1, 0u), (10, 0, 0u), (16, 2, 8u), (19, 2, 0u)],
            program.Relocations.Select(r => (r.InstructionIndex, r.MapIndex, r.Offset)));
        Assert.All(program.Relocations, r => Assert.Equal(ProgramRelocationKind.MapValue, r.Kind));
        Assert.Equal((byte)LddwSource.MapValueByIndex, program.Instructions[16].Source);
        Assert.Equal((2, 8), (program.Instructions[16].Immediate, program.Instructions[17].Immediate));
    }

    [Fact]
    public void A_program_array_lists_its_initial_programs()
    {
        var spec = TestObjects.Load("prog_array.o");

        Assert.Equal(new MapSpec("jump_table", MapType.ProgramArray, 4, 4, 4), Assert.Single(spec.Maps));
        Assert.Equal([new MapInitialProgram("jump_table", 0, 0, "tail_pass"), new MapInitialProgram("jump_table", 0, 2, "tail_drop")],
            spec.MapInitialValues);
        Assert.Equal(["tail_pass", "tail_drop", "entry"], spec.Programs.Select(p => p.Name));
        Assert.Equal((byte)LddwSource.MapByIndex, spec.Program("entry").Instructions[2].Source);
    }

    [Fact]
    public void A_map_of_maps_has_its_inner_template_and_initial_inner_map()
    {
        var spec = TestObjects.Load("map_in_map.o");

        Assert.Equal(["inner_a", "outer"], spec.Maps.Select(m => m.Name));
        var outer = spec.Map("outer");
        Assert.Equal((MapType.ArrayOfMaps, 4u, 4u, 2u), (outer.Type, outer.KeySize, outer.ValueSize, outer.MaxEntries));
        Assert.Equal(new MapSpec("outer.inner", MapType.Array, 4, 4, 8), outer.InnerMap);
        Assert.Equal(new MapInitialMap("outer", 1, 1, "inner_a", 0), Assert.Single(spec.MapInitialValues));
        Assert.Equal(new ProgramRelocation(4, ProgramRelocationKind.Map, "outer", 1, 0), Assert.Single(spec.Program("lookup_inner").Relocations));
    }
}
