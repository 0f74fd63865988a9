using System.Runtime.InteropServices;
using Ebpf.ProgramTypes;

namespace Ebpf.Tests.ProgramTypes;

/// <summary>Host-event types: a context defined by the host, from a field list or an unmanaged struct.</summary>
public class HostEventTypeTests
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Point
    {
        public int X;
        public int Y;
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct OrderEvent
    {
        public ulong OrderId;
        public uint Quantity;
        public ushort Flags;
        public byte Side;
        public Point Where;
        public fixed byte Symbol[8];
        public long Verdict;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct WithBool
    {
        public bool Flag;
    }

    [Fact]
    public void A_struct_becomes_a_context_with_its_layout()
    {
        var type = HostEventType.FromStruct<OrderEvent>(writableFields: ["Verdict"]);
        Assert.Equal("OrderEvent", type.Name);
        Assert.Equal(ProgramType.UserSpaceOnly, type.KernelId);
        Assert.Equal(40, type.ContextSize);
        Assert.Equal(
            "OrderId@0:8 Quantity@8:4 Flags@12:2 Side@14:1 Where.X@16:4 Where.Y@20:4 Symbol@24:8 Verdict@32:8",
            string.Join(" ", type.Fields.Select(f => $"{f.Name}@{f.Offset}:{f.Size}")));
        Assert.Equal(ContextInput.HostSupplied, type.Input);
        Assert.NotNull(type.FindAccess(8, 2, write: false));     // narrow load of Quantity
        Assert.Null(type.FindAccess(8, 4, write: true));         // Quantity is read-only
        Assert.NotNull(type.FindAccess(32, 8, write: true));     // Verdict is writable
        Assert.NotNull(type.FindAccess(27, 1, write: false));    // Symbol[3]
        Assert.Null(type.FindAccess(24, 8, write: false));       // a fixed buffer loads per element
        Assert.Null(type.FindAccess(15, 1, write: false));       // padding after Side
        Assert.Equal(28, type.Field("Symbol[4]").Offset);
    }

    [Fact]
    public void Types_without_a_fixed_ebpf_width_are_refused_with_the_reason()
    {
        var error = Assert.Throws<ArgumentException>(() => HostEventType.FromStruct<WithBool>());
        Assert.Contains("WithBool.Flag is a Boolean, which has no fixed eBPF width", error.Message);
        var unknown = Assert.Throws<ArgumentException>(() => HostEventType.FromStruct<Point>(writableFields: ["Z"]));
        Assert.Contains("Point has no field named Z", unknown.Message);
    }

    [Fact]
    public void A_field_list_is_checked_against_the_size()
    {
        var type = HostEventType.Create("temperature", 16, [new ContextField("celsius", 0, 4).Narrow(), new ContextField("alarm", 8, 8, Writable: true)],
            new ReturnRange(0, 1));
        Assert.Equal(new ReturnRange(0, 1), type.ReturnRange);
        Assert.NotNull(type.FindAccess(8, 8, write: true));
        var error = Assert.Throws<ArgumentException>(() => HostEventType.Create("bad", 8, [new ContextField("wide", 4, 8)]));
        Assert.Contains("field 'wide' (4..12) lies outside the 8-byte context", error.Message);
        Assert.Throws<ArgumentException>(() => HostEventType.Create("bad", 8, [new ContextField("odd", 0, 3)]));
        Assert.Throws<ArgumentException>(() => HostEventType.Create("bad", 8, [new ContextField("data", 0, 4, ContextFieldKind.PacketStart)]));
    }
}
