using Ebpf.Isa.Text;
using Ebpf.Linux.Programs;

namespace Ebpf.Linux.Tests.Programs;

/// <summary>The BTF the kernel backend gives a program with callbacks (no kernel needed: the bytes are checked).</summary>
public class FunctionBtfTests
{
    private static readonly Ebpf.Isa.Bytecode WithCallback = Assembler.Assemble("""
        r2 = callback ll
        call helper
        exit
        helper:
        r0 = 1
        exit
        callback:
        r0 = 0
        exit
        """);

    [Fact]
    public void Only_programs_with_function_references_need_it()
    {
        Assert.True(FunctionBtf.IsNeeded(WithCallback));
        Assert.False(FunctionBtf.IsNeeded(Assembler.Assemble("call helper\nexit\nhelper:\nr0 = 1\nexit\n")));
    }

    [Fact]
    public void Every_subprogram_gets_a_func_info_record_in_slot_order()
    {
        var starts = FunctionBtf.SubprogramStarts(WithCallback);
        Assert.Equal([0, 4, 6], starts);
        Assert.Equal("00000000" + "03000000" + "04000000" + "04000000" + "06000000" + "05000000",
            Convert.ToHexString(FunctionBtf.FunctionInfo(starts)));
    }

    [Fact]
    public void The_blob_has_int_a_prototype_and_a_global_entry_followed_by_static_functions()
    {
        byte[] blob = FunctionBtf.Build(2);
        Assert.Equal("9FEB0100" + "18000000" + "00000000" + "34000000" + "34000000", Convert.ToHexString(blob, 0, 20));
        int types = 24;
        Assert.Equal(0x01000000u, BitConverter.ToUInt32(blob, types + 4));          // [1] INT
        Assert.Equal(0x0D000000u, BitConverter.ToUInt32(blob, types + 20));         // [2] FUNC_PROTO, no parameters
        Assert.Equal(0x0C000001u, BitConverter.ToUInt32(blob, types + 32));         // [3] FUNC, global: the entry
        Assert.Equal(0x0C000000u, BitConverter.ToUInt32(blob, types + 44));         // [4] FUNC, static: a callback
        string strings = System.Text.Encoding.ASCII.GetString(blob, types + 0x34, blob.Length - types - 0x34);
        Assert.Equal("\0int\0function_0\0function_1\0", strings);
    }
}
