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
}
