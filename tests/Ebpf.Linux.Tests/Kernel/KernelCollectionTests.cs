using System.Buffers.Binary;
using Ebpf.Elf;
using Ebpf.Linux.Kernel;
using Ebpf.Maps;
using Ebpf.Tests.Examples;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Kernel;

/// <summary><see cref="KernelCollection.Load"/> on the project's objects: maps with BTF, global data, program arrays, source lines in errors.</summary>
public class KernelCollectionTests(ITestOutputHelper output)
{
    internal static string Example(string name) => Path.Combine(Linux.Tests.Examples.ExampleKernelComparisonTests.RepositoryRoot(), "examples", name);

    internal static string TestObject(string name) => Path.Combine(Linux.Tests.Examples.ExampleKernelComparisonTests.RepositoryRoot(), "tests", "objects", name);

    [Theory]
    [InlineData("xdp_counter.o")]
    [InlineData("socket_filter.o")]
    [InlineData("tc_marker.o")]
    [InlineData("maps_tour.o")]
    [InlineData("xdp_rewrite.o")]
    public void Every_example_loads_with_its_BTF(string objectName)
    {
        if (KernelRequirement.Missing(output)) return;
        var spec = ObjectFile.Load(Example(objectName));
        using var collection = KernelCollection.Load(spec);
        foreach (var note in collection.Notes) output.WriteLine(note);
        Assert.Empty(collection.Notes);
        Assert.NotNull(collection.BtfId);
        Assert.Equal(spec.Programs.Select(p => p.Name).Order(), collection.Programs.Keys.Order());
        Assert.Equal(spec.Maps.Select(m => m.Name).Order(), collection.Maps.Keys.Order());
        foreach (var program in collection.Programs.Values)
        {
            var info = program.Info();
            Assert.Equal(program.Id, info.Id);
            Assert.Equal(collection.BtfId, info.BtfId);
            Assert.True(info.VerifiedInstructions > 0);
        }
        // Maps with a key and a value type carry them as BTF; keyless ones (queue, stack, ring buffer) have none to give.
        foreach (var map in collection.Maps.Values.Where(m => m.Type is MapType.Hash or MapType.Array or MapType.PerCpuArray
                     or MapType.PerCpuHash or MapType.LruHash or MapType.LpmTrie))
            Assert.True(map.Info().BtfId == collection.BtfId, $"map {map.Name} was created without BTF");
    }

    [Fact]
    public void Global_data_is_written_and_rodata_frozen()
    {
        if (KernelRequirement.Missing(output)) return;
        var spec = ObjectFile.Load(TestObject("global_data.o"));
        using var collection = KernelCollection.Load(spec);
        var rodata = collection.Map(".rodata");
        var expected = spec.MapInitialValues.OfType<MapInitialBytes>().Single(v => v.MapName == ".rodata").Value.ToArray();
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(rodata.Lookup(new byte[4])!));
        var error = Assert.Throws<MapException>(() => rodata.Update(new byte[4], new byte[rodata.ValueSize]));
        Assert.Equal(Errno.EPERM, error.Errno);
    }

    [Fact]
    public void Program_arrays_hold_the_loaded_programs()
    {
        if (KernelRequirement.Missing(output)) return;
        var spec = ObjectFile.Load(TestObject("prog_array.o"));
        using var collection = KernelCollection.Load(spec);
        foreach (var initial in spec.MapInitialValues.OfType<MapInitialProgram>())
        {
            var map = collection.Map(initial.MapName);
            var key = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(key, initial.Key);
            // A program array's lookup from user space returns the program id.
            var id = map.Lookup(key);
            Assert.NotNull(id);
            Assert.Equal(collection.Program(initial.ProgramName).Id, BinaryPrimitives.ReadUInt32LittleEndian(id));
        }
    }

    [Fact]
    public void A_verifier_rejection_carries_the_C_source_line()
    {
        if (KernelRequirement.Missing(output)) return;
        var spec = ObjectFile.Load(TestObject("unchecked_read.o"));
        var error = Assert.Throws<KernelErrorException>(() => KernelCollection.Load(spec));
        output.WriteLine(error.Message);
        Assert.Equal(Errno.EACCES, error.ErrorNumber);
        Assert.Contains("program 'unchecked_read'", error.Message);
        // With line_info the kernel's log quotes the source line before the instruction it refused.
        Assert.Contains("if (data[12] == 0x08)", error.VerifierLog);
        Assert.Contains("invalid access to packet", error.VerifierLog);
    }

    [Fact]
    public void A_map_pinned_by_name_is_reused_by_the_next_load()
    {
        if (KernelRequirement.Missing(output)) return;
        string pins = $"/sys/fs/bpf/ebpf-net-pins-{Environment.ProcessId}-{Guid.NewGuid():N}";
        Directory.CreateDirectory(pins);
        try
        {
            var spec = ObjectFile.Load(TestObject("xdp_counter.o"));
            var pinned = spec.Maps.Single(m => m.Pinning == MapPinning.ByName);
            var options = new KernelCollectionOptions { MapPinDirectory = pins };
            using var first = KernelCollection.Load(spec, options);
            Assert.True(File.Exists(Path.Combine(pins, pinned.Name)));
            Assert.Empty(first.Notes);
            using var second = KernelCollection.Load(spec, options);
            Assert.Equal(first.Map(pinned.Name).Id, second.Map(pinned.Name).Id);
            Assert.Contains($"map '{pinned.Name}' reuses the map pinned at {Path.Combine(pins, pinned.Name)}", second.Notes);
        }
        finally
        {
            Directory.Delete(pins, recursive: true);
        }
    }

    [Fact]
    public void Map_in_map_slots_hold_the_inner_maps()
    {
        if (KernelRequirement.Missing(output)) return;
        var spec = ObjectFile.Load(TestObject("map_in_map.o"));
        using var collection = KernelCollection.Load(spec);
        foreach (var initial in spec.MapInitialValues.OfType<MapInitialMap>())
        {
            var key = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(key, initial.Key);
            // A map-in-map lookup from user space returns the inner map's id.
            var id = collection.Map(initial.MapName).Lookup(key);
            Assert.NotNull(id);
            Assert.Equal(collection.Map(initial.InnerMapName).Id, BinaryPrimitives.ReadUInt32LittleEndian(id));
        }
    }

    [Fact]
    public void Naming_a_program_the_object_lacks_is_refused_before_anything_is_created()
    {
        var spec = ObjectFile.Load(TestObject("xdp_counter.o"));
        var error = Assert.Throws<ArgumentException>(() => KernelCollection.Load(spec, new KernelCollectionOptions { Programs = ["no_such_program"] }));
        Assert.Contains("the object has no program 'no_such_program'; it has: ", error.Message);
    }

    [Fact]
    public void A_log_level_keeps_the_kernel_verifier_log_of_an_accepted_program()
    {
        if (KernelRequirement.Missing(output)) return;
        var spec = ObjectFile.Load(Example("xdp_counter.o"));
        using var collection = KernelCollection.Load(spec, new KernelCollectionOptions { VerifierLogLevel = 4 });
        var program = collection.Programs.Values.Single();
        output.WriteLine(program.VerifierLog);
        Assert.Matches(@"processed \d+ insns", program.VerifierLog);
        Assert.Contains($"processed {program.Info().VerifiedInstructions} insns", program.VerifierLog);
    }

    [Fact]
    public void Loading_a_collection_applies_its_CO_RE_relocations_against_the_running_kernel()
    {
        if (KernelRequirement.Missing(output)) return;
        if (!File.Exists("/sys/kernel/btf/vmlinux"))
        {
            output.WriteLine("SKIPPED: the kernel exposes no BTF at /sys/kernel/btf/vmlinux");
            return;
        }
        var spec = ObjectFile.Load(TestObject("core_fields.o"));
        using var collection = KernelCollection.Load(spec, new KernelCollectionOptions { Programs = ["current_pid", "current_tgid"] });
        // A raw tracepoint's test run runs on the calling thread, so task->pid is this thread's id and tgid the process id.
        uint threadId = (uint)Core.CoreKernelTests.gettid();
        Assert.Equal(threadId, collection.Program("current_pid").TestRunContext(new byte[8]).ReturnValue);
        Assert.Equal((uint)Environment.ProcessId, collection.Program("current_tgid").TestRunContext(new byte[8]).ReturnValue);
    }
}
