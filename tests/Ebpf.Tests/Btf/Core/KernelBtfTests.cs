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
