using Ebpf.Maps;
using static Ebpf.Tests.Maps.MapTestHelpers;

namespace Ebpf.Tests.Maps;

/// <summary>ARRAY_OF_MAPS and HASH_OF_MAPS: map ids for the host, map handles for programs, the template check.</summary>
public class MapOfMapsTests
{
    private static readonly MapSpec InnerTemplate = new("inner", MapType.Array, 4, 8, 4);

    private static ArrayOfMapsMap Outer(uint maxEntries = 4) =>
        (ArrayOfMapsMap)Map.Create(new MapSpec("outer", MapType.ArrayOfMaps, 4, 4, maxEntries) { InnerMap = InnerTemplate });

    [Fact]
    public void A_program_lookup_returns_the_inner_map_handle_that_resolves_to_the_map()
    {
        using var outer = Outer();
        using var inner = Map.Create(InnerTemplate with { Name = "inner1" });
        outer.SetInnerMap(2, inner);
        nint handle = ProgramLookup(outer, U32(2));
        Assert.Equal(inner.Handle, handle);
        Assert.True(MapRegistry.TryGetByHandle((ulong)handle, out var resolved));
        Assert.Same(inner, resolved);
        Assert.Equal(0, ProgramLookup(outer, U32(1)));
        Assert.Equal(0, ProgramLookup(outer, U32(9)));
        Assert.Equal(inner.Id, ReadU32(outer.Lookup(U32(2))));
        Assert.True(outer.TryGetInnerMap(2, out var again));
        Assert.Same(inner, again);
        Assert.Empty(outer.ValueRegions);
    }

    [Fact]
    public void Array_of_maps_updates_and_deletes_give_the_kernel_errnos()
    {
        using var outer = Outer();
        using var inner = Map.Create(InnerTemplate);
        using var wrongSize = Map.Create(InnerTemplate with { ValueSize = 16 });
        using var otherEntries = Map.Create(InnerTemplate with { MaxEntries = 8 });
        Assert.Equal(Errno.EINVAL, ErrnoOf(() => outer.Update(U32(0), U32(inner.Id), MapUpdateFlags.NoExist)));
        Assert.Equal(Errno.E2BIG, ErrnoOf(() => outer.Update(U32(4), U32(inner.Id))));
        Assert.Equal(Errno.EBADF, ErrnoOf(() => outer.Update(U32(0), U32(0))));
        Assert.Equal(Errno.EINVAL, ErrnoOf(() => outer.SetInnerMap(0, wrongSize)));
        Assert.Equal(Errno.EINVAL, ErrnoOf(() => outer.SetInnerMap(0, otherEntries)));
        Assert.Null(outer.Lookup(U32(0)));
        Assert.False(outer.Delete(U32(0)));
        Assert.Equal(Errno.E2BIG, ErrnoOf(() => outer.Delete(U32(4))));
        outer.SetInnerMap(0, inner);
        Assert.True(outer.Delete(U32(0)));
        Assert.False(inner.IsDisposed);
        Assert.Equal(-Errno.EOPNOTSUPP, ProgramUpdate(outer, U32(0), U32(inner.Id)));
    }

    [Fact]
    public void BPF_F_INNER_MAP_lets_inner_maps_differ_in_max_entries()
    {
        var template = InnerTemplate with { Flags = MapCreationFlags.InnerMap };
        using var outer = (ArrayOfMapsMap)Map.Create(new MapSpec("outer", MapType.ArrayOfMaps, 4, 4, 2) { InnerMap = template });
        using var bigger = Map.Create(InnerTemplate with { MaxEntries = 100 });
        outer.SetInnerMap(1, bigger);
        Assert.Equal(bigger.Handle, ProgramLookup(outer, U32(1)));
    }

    [Fact]
    public void A_disposed_inner_map_is_no_longer_handed_to_programs()
    {
        using var outer = Outer();
        var inner = Map.Create(InnerTemplate);
        outer.SetInnerMap(0, inner);
        inner.Dispose();
        Assert.Equal(0, ProgramLookup(outer, U32(0)));
    }

    [Fact]
    public void Hash_of_maps_honours_update_flags_and_returns_handles()
    {
        using var outer = (HashOfMapsMap)Map.Create(new MapSpec("outer", MapType.HashOfMaps, 8, 4, 2) { InnerMap = InnerTemplate });
        using var a = Map.Create(InnerTemplate);
        using var b = Map.Create(InnerTemplate);
        using var c = Map.Create(InnerTemplate);
        outer.SetInnerMap(U64(1), a);
        Assert.Equal(Errno.EEXIST, ErrnoOf(() => outer.SetInnerMap(U64(1), b, MapUpdateFlags.NoExist)));
        Assert.Equal(Errno.ENOENT, ErrnoOf(() => outer.SetInnerMap(U64(2), b, MapUpdateFlags.Exist)));
        outer.SetInnerMap(U64(2), b);
        Assert.Equal(Errno.E2BIG, ErrnoOf(() => outer.SetInnerMap(U64(3), c)));
        Assert.Equal(Errno.EBADF, ErrnoOf(() => outer.Update(U64(1), U32(uint.MaxValue))));
        Assert.Equal(a.Handle, ProgramLookup(outer, U64(1)));
        Assert.Equal(b.Handle, ProgramLookup(outer, U64(2)));
        Assert.Equal(0, ProgramLookup(outer, U64(3)));
        Assert.True(outer.TryGetInnerMap(U64(2), out var found));
        Assert.Same(b, found);
        Assert.True(outer.Delete(U64(1)));
        Assert.Equal(0, ProgramLookup(outer, U64(1)));
    }

    [Fact]
    public void The_template_must_be_a_valid_map_that_can_be_nested()
    {
        Assert.Equal(Errno.EINVAL, ErrnoOf(() => Map.Create(new MapSpec("o", MapType.ArrayOfMaps, 4, 4, 2)
            { InnerMap = new MapSpec("i", MapType.ArrayOfMaps, 4, 4, 2) { InnerMap = InnerTemplate } })));
        Assert.Equal(Errno.ENOTSUPP, ErrnoOf(() => Map.Create(new MapSpec("o", MapType.HashOfMaps, 4, 4, 2)
            { InnerMap = new MapSpec("i", MapType.ProgramArray, 4, 4, 2) })));
        Assert.Equal(Errno.EINVAL, ErrnoOf(() => Map.Create(new MapSpec("o", MapType.HashOfMaps, 4, 8, 2) { InnerMap = InnerTemplate })));
        Assert.Equal(Errno.EINVAL, ErrnoOf(() => Map.Create(new MapSpec("o", MapType.HashOfMaps, 4, 4, 2)
            { InnerMap = InnerTemplate with { KeySize = 8 } })));
        Assert.Equal(Errno.EINVAL, ErrnoOf(() => Map.Create(InnerTemplate with { InnerMap = InnerTemplate })));
    }
}
