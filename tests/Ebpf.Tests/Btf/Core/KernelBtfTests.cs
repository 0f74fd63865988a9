using System.Buffers.Binary;
using Ebpf.Btf;
using Ebpf.Btf.Core;

namespace Ebpf.Tests.Btf.Core;

/// <summary>Split BTF (a kernel module's, on top of vmlinux) and the essential-name rule candidates are found by.</summary>
public class KernelBtfTests
{
    [Fact]
    public void Split_btf_continues_the_base_type_ids_and_string_offsets()
    {
        var baseBlob = new BtfBlob().Int("int", 4, true);                 // base: 1 int
        byte[] baseBytes = baseBlob.Build();
        var baseSpec = BtfSpec.Parse(baseBytes);
        uint baseStrings = BinaryPrimitives.ReadUInt32LittleEndian(baseBytes.AsSpan(20));

        // Split: 2 struct pair { int a; int b; } and 3 pointer to it; its names are offsets past the base's strings.
        var split = new BtfBlob();
        uint pair = baseStrings + split.String("pair"), a = baseStrings + split.String("a"), b = baseStrings + split.String("b");
        split.Word(pair).Word(4u << 24 | 2).Word(8).Word(a).Word(1).Word(0).Word(b).Word(1).Word(32);
        split.Word(0).Word(2u << 24).Word(2);

        var spec = BtfSpec.ParseSplit(split.Build(), baseSpec);

        Assert.Equal(4, spec.Types.Count);
        Assert.Same(baseSpec.TypeById(1), spec.TypeById(1));
        var composite = spec.FindByName<BtfComposite>("pair")!;
        Assert.Equal((2u, "b", 32u), (composite.Id, composite.Members[1].Name, composite.Members[1].BitOffset));
        Assert.Equal(8u, spec.SizeOf(3));
        Assert.Equal("int", spec.Resolve(composite.Members[0].TypeId).Name);
    }

    [Fact]
    public void Split_btf_that_names_a_missing_base_type_is_refused()
    {
        var baseSpec = BtfSpec.Parse(new BtfBlob().Int("int", 4, true).Build());
        var split = new BtfBlob();
        split.Word(0).Word(2u << 24).Word(7);   // 2 pointer to type 7, which neither part has
        var error = Assert.Throws<BtfFormatException>(() => BtfSpec.ParseSplit(split.Build(), baseSpec));
        Assert.Equal("invalid BTF: type 2 (Pointer '') refers to target type 7, which does not exist (2 types)", error.Message);
    }

    [Fact]
    public void A_type_missing_from_the_base_is_found_in_a_module_and_the_base_wins_when_it_has_one()
    {
        // Base: 1 int, 2 struct other { int a; }. Module: 3 struct modstruct { int pad; int a; }.
        byte[] baseBytes = new BtfBlob().Int("int", 4, true).Struct("other", 4, ("a", 1, 0)).Build();
        var baseSpec = BtfSpec.Parse(baseBytes);
        uint baseStrings = BinaryPrimitives.ReadUInt32LittleEndian(baseBytes.AsSpan(20));
        var split = new BtfBlob();
        uint name = baseStrings + split.String("modstruct"), pad = baseStrings + split.String("pad"), a = baseStrings + split.String("a");
        split.Word(name).Word(4u << 24 | 2).Word(8).Word(pad).Word(1).Word(0).Word(a).Word(1).Word(32);
        var module = BtfSpec.ParseSplit(split.Build(), baseSpec);
        Assert.Equal(3, module.FirstOwnTypeId);

        // Local: 1 int, 2 struct modstruct { int a; }, 3 struct other { int x; int a; }
        var local = BtfSpec.Parse(new BtfBlob().Int("int", 4, true).Struct("modstruct", 4, ("a", 1, 0)).Struct("other", 8, ("x", 1, 0), ("a", 1, 32)).Build());
        var program = new Ebpf.Isa.Bytecode([new(0xb7, 0, 0, 0, 0), new(0xb7, 0, 0, 0, 4), new(0x95, 0, 0, 0, 0)]);
        var result = CoreRelocator.Apply("modules", program,
            [new BtfCoreRelocation(0, 2, "0:0", BtfCoreRelocationKind.FieldByteOffset), new BtfCoreRelocation(1, 3, "0:1", BtfCoreRelocationKind.FieldByteOffset)],
            local, baseSpec, [module]);

        Assert.Equal((4, 0), (result.Instructions[0].Immediate, result.Instructions[1].Immediate));
        Assert.Equal("[3] struct modstruct.a (0:1 @ offset 4)", result.Relocations[0].Target);
        Assert.Equal("[2] struct other.a (0:0 @ offset 0)", result.Relocations[1].Target);
    }

    [Fact]
    public void Without_modules_a_missing_type_stays_missing()
    {
        var baseSpec = BtfSpec.Parse(new BtfBlob().Int("int", 4, true).Build());
        var local = BtfSpec.Parse(new BtfBlob().Int("int", 4, true).Struct("modstruct", 4, ("a", 1, 0)).Build());
        var result = CoreRelocator.Apply("modules", new Ebpf.Isa.Bytecode([new(0xb7, 0, 0, 0, 1), new(0x95, 0, 0, 0, 0)]),
            [new BtfCoreRelocation(0, 2, "0:0", BtfCoreRelocationKind.FieldExists)], local, baseSpec, []);
        Assert.Equal(0, result.Instructions[0].Immediate);
    }

    [Theory]
    [InlineData("task_struct", "task_struct")]
    [InlineData("task_struct___2", "task_struct")]
    [InlineData("task_struct___old___x", "task_struct___old")]
    [InlineData("a___b", "a")]
    [InlineData("a___", "a___")]           // a flavour needs at least one character
    [InlineData("a____b", "a____b")]       // four underscores are not a separator
    [InlineData("___b", "___b")]           // nor is a leading one
    public void The_essential_name_drops_the_last_flavour(string name, string essential) =>
        Assert.Equal(essential, CoreEssentialName.Of(name));
}
