using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Ebpf.Isa;
using Ebpf.ProgramTypes;
using Ebpf.Runtime;
using Ebpf.TestRuns;

namespace Ebpf.Tests.TestRuns;

/// <summary>
/// Test runs with a context, on every engine and memory mode: the kernel's ctx_in/ctx_out rules for skb and XDP
/// programs (net/bpf/test_run.c), context-only raw tracepoints, and contexts the host supplies.
/// </summary>
public class ContextRunTests
{
    private static readonly byte[] Udp = Convert.FromHexString(
        "020000000002" + "020000000001" + "0800" + "45000020000100004011f7cac0a80101c0a8010204d2162e000c0000616263");

    private static readonly Instruction Exit = new(Opcodes.Exit, 0, 0, 0, 0);

    public static TheoryData<string> Modes() => ["interpreter", "jit", "jit unchecked"];

    private static IExecutableProgram Prepare(string mode, ProgramType type, params Instruction[] code) => mode switch
    {
        "interpreter" => ExecutionEngines.Prepare(ExecutionEngine.Interpreter, new Bytecode(code), TestRunner.OptionsFor(type)),
        "jit" => ExecutionEngines.Prepare(ExecutionEngine.Jit, new Bytecode(code), TestRunner.OptionsFor(type)),
        _ => ExecutionEngines.Prepare(ExecutionEngine.Jit, new Bytecode(code),
            TestRunner.OptionsFor(type, new ExecutionOptions { MemoryChecks = MemoryChecks.Unchecked })),
    };

    private static int Errno(Action run) => Assert.Throws<TestRunException>(run).Errno;

    private static byte[] SkBuff(int offset, uint value)
    {
        var ctx = new byte[SkBuffContext.Size];
        BinaryPrimitives.WriteUInt32LittleEndian(ctx.AsSpan(offset), value);
        return ctx;
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void A_tc_program_sees_ctx_in_and_its_writes_come_back(string mode)
    {
        // r0 = cb[2] + mark; mark = r0; cb[4] = priority; exit
        var program = Prepare(mode, KnownProgramTypes.SchedCls,
            new Instruction(0x61, 0, 1, SkBuffContext.Cb + 8, 0), new Instruction(0x61, 2, 1, SkBuffContext.Mark, 0),
            new Instruction(0x0f, 0, 2, 0, 0), new Instruction(0x63, 1, 0, SkBuffContext.Mark, 0),
            new Instruction(0x61, 2, 1, SkBuffContext.Priority, 0), new Instruction(0x63, 1, 2, SkBuffContext.Cb + 16, 0), Exit);
        var ctx = SkBuff(SkBuffContext.Cb + 8, 40);
        BinaryPrimitives.WriteUInt32LittleEndian(ctx.AsSpan(SkBuffContext.Mark), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(ctx.AsSpan(SkBuffContext.Priority), 9);
        BinaryPrimitives.WriteUInt32LittleEndian(ctx.AsSpan(SkBuffContext.GsoSize), 1400);

        var result = TestRunner.Run(program, KnownProgramTypes.SchedCls, new TestRunInput { Data = Udp, ContextIn = ctx, ContextOut = true });

        Assert.Equal(42u, result.ReturnValue);
        var output = result.ContextOut!;
        Assert.Equal(192, output.Length);
        Assert.Equal(42u, BinaryPrimitives.ReadUInt32LittleEndian(output.AsSpan(SkBuffContext.Mark)));
        Assert.Equal(9u, BinaryPrimitives.ReadUInt32LittleEndian(output.AsSpan(SkBuffContext.Cb + 16)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(output.AsSpan(SkBuffContext.Ifindex)));
        Assert.Equal((uint)Udp.Length, BinaryPrimitives.ReadUInt32LittleEndian(output.AsSpan(SkBuffContext.WireLen)));
        Assert.Equal(1400u, BinaryPrimitives.ReadUInt32LittleEndian(output.AsSpan(SkBuffContext.GsoSize)));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(output.AsSpan(SkBuffContext.Len)));   // len is not copied back
    }

    [Theory]
    [InlineData(SkBuffContext.Len, 1u, 22)]
    [InlineData(SkBuffContext.PktType, 1u, 22)]
    [InlineData(SkBuffContext.TcIndex, 1u, 22)]
    [InlineData(SkBuffContext.Hash, 1u, 22)]
    [InlineData(SkBuffContext.Data, 1u, 22)]
    [InlineData(SkBuffContext.Family, 1u, 22)]
    [InlineData(SkBuffContext.WireLen, 20u, 22)]
    [InlineData(SkBuffContext.WireLen, 65537u, 22)]
    [InlineData(SkBuffContext.GsoSegs, 65536u, 22)]
    [InlineData(SkBuffContext.Ifindex, 2u, 19)]
    public void Skb_contexts_the_kernel_refuses(int offset, uint value, int errno)
    {
        var program = Prepare("interpreter", KnownProgramTypes.SchedCls, new Instruction(0xb7, 0, 0, 0, 0), Exit);
        Assert.Equal(errno, Errno(() => TestRunner.Run(program, KnownProgramTypes.SchedCls, new TestRunInput { Data = Udp, ContextIn = SkBuff(offset, value) })));
    }

    [Fact]
    public void A_context_longer_than_the_structure_must_end_in_zeros()
    {
        var program = Prepare("interpreter", KnownProgramTypes.SocketFilter, new Instruction(0x61, 0, 1, SkBuffContext.Mark, 0), Exit);
        byte[] longer = [.. SkBuff(SkBuffContext.Mark, 7), 0, 0, 0];
        Assert.Equal(7u, TestRunner.Run(program, KnownProgramTypes.SocketFilter, new TestRunInput { Data = Udp, ContextIn = longer }).ReturnValue);
        Assert.Equal(7, Errno(() => TestRunner.Run(program, KnownProgramTypes.SocketFilter, new TestRunInput { Data = Udp, ContextIn = [.. longer, 1] })));
        Assert.Equal(7, Errno(() => TestRunner.Run(program, KnownProgramTypes.SocketFilter, new TestRunInput { Data = Udp, ContextIn = new byte[4097] })));
    }

    [Fact]
    public void Wire_len_reads_zero_without_a_context_and_the_skb_length_with_one()
    {
        var program = Prepare("jit", KnownProgramTypes.SchedCls, new Instruction(0x61, 0, 1, SkBuffContext.WireLen, 0), Exit);
        Assert.Equal(0u, TestRunner.Run(program, KnownProgramTypes.SchedCls, Udp).ReturnValue);
        Assert.Equal((uint)Udp.Length, TestRunner.Run(program, KnownProgramTypes.SchedCls, new TestRunInput { Data = Udp, ContextOut = true }).ReturnValue);
        Assert.Equal(1500u, TestRunner.Run(program, KnownProgramTypes.SchedCls, new TestRunInput { Data = Udp, ContextIn = SkBuff(SkBuffContext.WireLen, 1500) }).ReturnValue);
    }

    private static byte[] XdpMd(uint data, uint dataEnd, uint ingress = 0, uint queue = 0)
    {
        var md = new byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(md.AsSpan(0), data);
        BinaryPrimitives.WriteUInt32LittleEndian(md.AsSpan(4), dataEnd);
        BinaryPrimitives.WriteUInt32LittleEndian(md.AsSpan(12), ingress);
        BinaryPrimitives.WriteUInt32LittleEndian(md.AsSpan(16), queue);
        return md;
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Xdp_metadata_precedes_the_packet_and_comes_back_in_data_out(string mode)
    {
        // r0 = *(u32 *)data_meta (the metadata's first word), bounds-checked against data: if (meta + 4 > data) r0 = 99
        var program = Prepare(mode, KnownProgramTypes.Xdp,
            new Instruction(0x61, 2, 1, 8, 0), new Instruction(0x61, 3, 1, 0, 0), new Instruction(0xbf, 4, 2, 0, 0),
            new Instruction(0x07, 4, 0, 0, 4), new Instruction(0xb7, 0, 0, 0, 99), new Instruction(0x2d, 4, 3, 1, 0),
            new Instruction(0x61, 0, 2, 0, 0), Exit);
        byte[] data = [0x2a, 0, 0, 0, 0, 0, 0, 0, .. Udp];
        var result = TestRunner.Run(program, KnownProgramTypes.Xdp,
            new TestRunInput { Data = data, ContextIn = XdpMd(8, (uint)data.Length), ContextOut = true });
        Assert.Equal(42u, result.ReturnValue);
        Assert.Equal(data, result.DataOut);
        Assert.Equal(XdpMd(8, (uint)data.Length, 0, 0), result.ContextOut);
    }

    [Fact]
    public void Xdp_bytes_past_data_end_are_fragments_the_program_cannot_see()
    {
        // r0 = data_end - data
        var program = Prepare("jit", KnownProgramTypes.Xdp,
            new Instruction(0x61, 2, 1, 0, 0), new Instruction(0x61, 0, 1, 4, 0), new Instruction(0x1f, 0, 2, 0, 0), Exit);
        var result = TestRunner.Run(program, KnownProgramTypes.Xdp, new TestRunInput { Data = Udp, ContextIn = XdpMd(0, 20), ContextOut = true });
        Assert.Equal(20u, result.ReturnValue);
        Assert.Equal(Udp, result.DataOut);
        Assert.Equal(XdpMd(0, 20), result.ContextOut);
    }

    [Theory]
    [InlineData(0u, 46u, 0u, 0u, 22)]       // data_end beyond the 45 bytes
    [InlineData(6u, 45u, 0u, 0u, 22)]       // metadata not a multiple of 4
    [InlineData(220u, 240u, 0u, 0u, 22)]    // metadata past the room before the frame
    [InlineData(0u, 45u, 0u, 1u, 22)]       // a queue without a device
    [InlineData(0u, 45u, 1u, 1u, 22)]       // the loopback device has one queue
    [InlineData(0u, 45u, 7u, 0u, 19)]       // no such device here
    public void Xdp_contexts_the_kernel_refuses(uint data, uint dataEnd, uint ingress, uint queue, int errno)
    {
        var program = Prepare("interpreter", KnownProgramTypes.Xdp, new Instruction(0xb7, 0, 0, 0, 2), Exit);
        byte[] input = dataEnd > Udp.Length && dataEnd != 46 ? [.. Udp, .. new byte[dataEnd - Udp.Length]] : Udp;
        Assert.Equal(errno, Errno(() => TestRunner.Run(program, KnownProgramTypes.Xdp, new TestRunInput { Data = input, ContextIn = XdpMd(data, dataEnd, ingress, queue) })));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void A_raw_tracepoint_runs_on_its_arguments(string mode)
    {
        // r0 = args[1] - args[0]
        var program = Prepare(mode, KnownProgramTypes.RawTracepoint,
            new Instruction(0x79, 2, 1, 0, 0), new Instruction(0x79, 0, 1, 8, 0), new Instruction(0x1f, 0, 2, 0, 0), Exit);
        var args = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(args.AsSpan(0), 8);
        BinaryPrimitives.WriteUInt64LittleEndian(args.AsSpan(8), 50);
        var result = TestRunner.Run(program, KnownProgramTypes.RawTracepoint, new TestRunInput { ContextIn = args });
        Assert.Equal(42u, result.ReturnValue);
        Assert.Null(result.ContextOut);
        Assert.Equal(0, result.DurationNanoseconds);
    }

    [Fact]
    public void Raw_tracepoint_runs_refuse_data_context_out_repeats_and_more_than_12_arguments()
    {
        var program = Prepare("interpreter", KnownProgramTypes.RawTracepoint, new Instruction(0xb7, 0, 0, 0, 0), Exit);
        var type = KnownProgramTypes.RawTracepoint;
        Assert.Equal(22, Errno(() => TestRunner.Run(program, type, new TestRunInput { Data = Udp, ContextIn = new byte[8] })));
        Assert.Equal(22, Errno(() => TestRunner.Run(program, type, new TestRunInput { ContextIn = new byte[8], ContextOut = true })));
        Assert.Equal(22, Errno(() => TestRunner.Run(program, type, new TestRunInput { ContextIn = new byte[8], Repeat = 5 })));
        Assert.Equal(22, Errno(() => TestRunner.Run(program, type, new TestRunInput { ContextIn = new byte[104] })));
        Assert.Equal(0u, TestRunner.Run(program, type, new TestRunInput { ContextIn = new byte[96] }).ReturnValue);
    }

    [Fact]
    public void Reading_past_the_arguments_given_faults_in_checked_mode()
    {
        var program = Prepare("jit", KnownProgramTypes.RawTracepoint, new Instruction(0x79, 0, 1, 8, 0), Exit);
        Assert.Throws<ProgramFaultException>(() => TestRunner.Run(program, KnownProgramTypes.RawTracepoint, new TestRunInput { ContextIn = new byte[8] }));
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Reading
    {
        public int Celsius;
        public uint Sensor;
        public long Alarm;
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void A_host_event_program_reads_and_writes_the_hosts_struct(string mode)
    {
        var type = HostEventType.FromStruct<Reading>(writableFields: ["Alarm"]);
        // Alarm = Celsius > 40 ? Sensor : 0; return Celsius
        var program = Prepare(mode, type,
            new Instruction(0x61, 0, 1, 0, 0), new Instruction(0xb7, 2, 0, 0, 0), new Instruction(0xa6, 0, 0, 1, 41),
            new Instruction(0x61, 2, 1, 4, 0), new Instruction(0x7b, 1, 2, 8, 0), Exit);
        var input = new byte[16];
        BinaryPrimitives.WriteInt32LittleEndian(input, 45);
        BinaryPrimitives.WriteUInt32LittleEndian(input.AsSpan(4), 7);
        var result = TestRunner.Run(program, type, new TestRunInput { ContextIn = input, Repeat = 3 });
        Assert.Equal(45u, result.ReturnValue);
        Assert.Equal(7L, BinaryPrimitives.ReadInt64LittleEndian(result.ContextOut.AsSpan(8)));
        Assert.Equal(22, Errno(() => TestRunner.Run(program, type, new TestRunInput { ContextIn = new byte[17] })));
        Assert.Equal(22, Errno(() => TestRunner.Run(program, type, new TestRunInput { Data = Udp })));
    }

    [Fact]
    public void A_tracepoint_context_is_as_long_as_the_record_given()
    {
        var program = Prepare("jit", KnownProgramTypes.Tracepoint, new Instruction(0x61, 0, 1, 12, 0), Exit);
        var record = new byte[16];
        record[12] = 5;
        var result = TestRunner.Run(program, KnownProgramTypes.Tracepoint, new TestRunInput { ContextIn = record });
        Assert.Equal(5u, result.ReturnValue);
        Assert.Equal(record, result.ContextOut);
        Assert.Throws<ProgramFaultException>(() => TestRunner.Run(program, KnownProgramTypes.Tracepoint, new TestRunInput { ContextIn = new byte[12] }));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void A_raw_program_gets_its_memory_in_r1_and_the_length_in_r2(string mode)
    {
        // r0 = r2; *(u8 *)(r1 + 0) = 9
        var program = Prepare(mode, KnownProgramTypes.Raw,
            new Instruction(0xbf, 0, 2, 0, 0), new Instruction(0x72, 1, 0, 0, 9), Exit);
        var result = TestRunner.Run(program, KnownProgramTypes.Raw, new TestRunInput { Data = [1, 2, 3] });
        Assert.Equal(3u, result.ReturnValue);
        Assert.Equal([9, 2, 3], result.ContextOut);
        Assert.Equal(22, Errno(() => TestRunner.Run(program, KnownProgramTypes.Raw, new TestRunInput { Data = [1], ContextIn = [2] })));
    }
}
