using Ebpf.Elf;
using Ebpf.Linux.Kernel;
using Ebpf.Linux.Links;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Links;

/// <summary>BPF_LINK_UPDATE swaps the program behind an XDP link in place; BPF_LINK_DETACH detaches it while the link lives on.</summary>
public class LinkUpdateTests(ITestOutputHelper output)
{
    [Fact]
    public void An_xdp_link_takes_a_new_program_in_place_and_detaches_on_request()
    {
        if (KernelRequirement.Missing(output)) return;
        using var pair = NamespacePair.TryCreate(out string reason);
        if (pair is null)
        {
            output.WriteLine($"SKIPPED: {reason}");
            return;
        }
        var spec = ObjectFile.Load(Kernel.KernelCollectionTests.Example("xdp_counter.o"));
        using var first = KernelCollection.Load(spec);
        using var second = KernelCollection.Load(spec);
        var before = first.Program("count_protocols");
        var after = second.Program("count_protocols");
        using var link = before.AttachXdp(NamespacePair.LocalInterface, XdpAttachMode.Generic, pair.Local);
        Assert.Equal(before.Id, link.Info().ProgramId);

        link.Update(after);
        Assert.Equal(after.Id, link.Info().ProgramId);
        Assert.Contains($"prog/xdp id {after.Id}", NamespacePair.LinkDetails(pair.Local, NamespacePair.LocalInterface));

        link.DetachNow();
        Assert.DoesNotContain("prog/xdp", NamespacePair.LinkDetails(pair.Local, NamespacePair.LocalInterface));
        Assert.Contains(link.Id, KernelLink.AllIds());
    }
}
