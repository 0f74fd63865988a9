using Ebpf.Maps;
using static Ebpf.Tests.Maps.MapTestHelpers;

namespace Ebpf.Tests.Maps;

/// <summary>PROG_ARRAY: program references for tail calls, with the kernel's errnos.</summary>
public class ProgramArrayMapTests
{
    [Fact]
    public void Stores_program_references_and_reports_empty_slots()
    {
        using var programs = (ProgramArrayMap)Create(MapType.ProgramArray, 4, 4, 4);
        Assert.False(programs.TryGetProgram(1, out _));
        programs.SetProgram(1, 0);
        Assert.True(programs.TryGetProgram(1, out uint program));
        Assert.Equal(0u, program);
        programs.Update(U32(3), U32(77));
        Assert.Equal(77u, ReadU32(programs.Lookup(U32(3))));
        Assert.Null(programs.Lookup(U32(0)));
        Assert.Null(programs.Lookup(U32(4)));
        Assert.False(programs.TryGetProgram(4, out _));
        Assert.Equal([0u, 1u, 2u, 3u], programs.Keys().Select(k => ReadU32(k)));
    }

    [Fact]
    public void Updates_and_deletes_give_the_kernel_errnos_and_programs_cannot_touch_it()
    {
        using var programs = Create(MapType.ProgramArray, 4, 4, 4);
        Assert.Equal(Errno.EINVAL, ErrnoOf(() => programs.Update(U32(0), U32(1), MapUpdateFlags.NoExist)));
        Assert.Equal(Errno.EINVAL, ErrnoOf(() => programs.Update(U32(0), U32(1), MapUpdateFlags.Exist)));
        Assert.Equal(Errno.E2BIG, ErrnoOf(() => programs.Update(U32(4), U32(1))));
        Assert.Equal(Errno.E2BIG, ErrnoOf(() => programs.Delete(U32(4))));
        Assert.False(programs.Delete(U32(0)));
        programs.Update(U32(0), U32(5));
        Assert.True(programs.Delete(U32(0)));
        Assert.Equal(0, ProgramLookup(programs, U32(0)));
        Assert.Equal(-Errno.EOPNOTSUPP, ProgramUpdate(programs, U32(0), U32(1)));
        Assert.Equal(-Errno.EOPNOTSUPP, ProgramDelete(programs, U32(0)));
        Assert.Empty(programs.ValueRegions);
    }
}
