using Ebpf.Btf;
using Ebpf.Btf.Core;
using Ebpf.Isa;

namespace Ebpf.Tests.Btf.Core;

/// <summary>Type compatibility (type_exists) against the stricter type match (type_matches), and value ambiguity.</summary>
public class CoreTypeRelationTests
{
    private static Instruction Mov(int value) => new(0xb7, 0, 0, 0, value);

    /// <summary>type_exists and type_matches of local type <paramref name="typeId"/>, as the patched immediates.</summary>
    private static (int Exists, int Matches) ExistsAndMatches(BtfBlob local, BtfBlob target, uint typeId)
    {
        var result = CoreRelocator.Apply("relations", new Bytecode([Mov(1), Mov(1), new Instruction(0x95, 0, 0, 0, 0)]),
            [new BtfCoreRelocation(0, typeId, "0", BtfCoreRelocationKind.TypeExists), new BtfCoreRelocation(1, typeId, "0", BtfCoreRelocationKind.TypeMatches)],
            BtfSpec.Parse(local.Build()), BtfSpec.Parse(target.Build()));
        return (result.Instructions[0].Immediate, result.Instructions[1].Immediate);
    }

    /// <summary>Local: 1 int, 2 int(int), 3 pointer to it, 4 typedef handler.</summary>
    private static BtfBlob LocalHandler() => new BtfBlob().Int("int", 4, true).FunctionPrototype(1, 1).Pointer(2).Typedef("handler", 3);

    [Fact]
    public void A_function_pointer_with_a_wider_parameter_is_compatible_but_does_not_match()
    {
        var wider = new BtfBlob().Int("int", 4, true).Int("long", 8, true).FunctionPrototype(1, 2).Pointer(3).Typedef("handler", 4);
        Assert.Equal((1, 0), ExistsAndMatches(LocalHandler(), wider, 4));
    }

    [Fact]
    public void A_function_pointer_with_another_parameter_count_is_neither()
    {
        var longer = new BtfBlob().Int("int", 4, true).FunctionPrototype(1, 1, 1).Pointer(2).Typedef("handler", 3);
        Assert.Equal((0, 0), ExistsAndMatches(LocalHandler(), longer, 4));
    }

    [Fact]
    public void The_same_function_pointer_is_both()
    {
        Assert.Equal((1, 1), ExistsAndMatches(LocalHandler(), LocalHandler(), 4));
    }

    [Fact]
    public void Behind_a_pointer_a_struct_matches_a_forward_declaration_of_a_struct_only()
    {
        // Local: 1 int, 2 struct other { int x; }, 3 pointer to it, 4 struct holder { struct other *p; }
        var local = new BtfBlob().Int("int", 4, true).Struct("other", 4, ("x", 1, 0)).Pointer(2).Struct("holder", 8, ("p", 3, 0));
        var forwardStruct = new BtfBlob().Forward("other", isUnion: false).Pointer(1).Struct("holder", 8, ("p", 2, 0));
        var forwardUnion = new BtfBlob().Forward("other", isUnion: true).Pointer(1).Struct("holder", 8, ("p", 2, 0));
        Assert.Equal((1, 1), ExistsAndMatches(local, forwardStruct, 4));
        Assert.Equal((1, 0), ExistsAndMatches(local, forwardUnion, 4));
    }

    [Fact]
    public void An_enum_matches_when_every_local_enumerator_exists_and_the_size_agrees()
    {
        var local = new BtfBlob().Enum("state", 4, false, ("ON", 1), ("OFF___v2", 0));
        Assert.Equal((1, 1), ExistsAndMatches(local, new BtfBlob().Enum("state", 4, false, ("OFF", 7), ("ON", 9), ("DIM", 2)), 1));
        Assert.Equal((1, 0), ExistsAndMatches(local, new BtfBlob().Enum("state", 4, false, ("ON", 1)), 1));
        Assert.Equal((1, 0), ExistsAndMatches(local, new BtfBlob().Enum("state", 8, false, ("ON", 1), ("OFF", 0)), 1));
    }

    [Fact]
    public void Candidates_at_the_same_offset_with_different_values_are_a_decision_ambiguity()
    {
        var local = new BtfBlob().Int("int", 4, true).Struct("s", 8, ("a", 1, 0), ("b", 1, 32));
        var target = new BtfBlob().Int("int", 4, true).Int("long", 8, true)
            .Struct("s", 8, ("a", 1, 0), ("b", 1, 32)).Struct("s___2", 12, ("a", 1, 0), ("b", 2, 32));
        var error = Assert.Throws<CoreRelocationException>(() => CoreRelocator.Apply("sizes", new Bytecode([Mov(4), new Instruction(0x95, 0, 0, 0, 0)]),
            [new BtfCoreRelocation(0, 2, "0:1", BtfCoreRelocationKind.FieldByteSize)], BtfSpec.Parse(local.Build()), BtfSpec.Parse(target.Build())));
        Assert.Equal("CO-RE relocation #0 of program 'sizes' at instruction 0 (<byte_sz> [2] struct s + 0:1): relocation decision ambiguity: " +
                     "candidate [3] struct s.b (0:1 @ offset 4) gives success 4, candidate [4] struct s___2.b (0:1 @ offset 4) gives success 8", error.Message);
    }
}
