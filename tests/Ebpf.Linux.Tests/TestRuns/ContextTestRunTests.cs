using System.Buffers.Binary;
using Ebpf.Isa;
using Ebpf.Linux.Programs;
using Ebpf.ProgramTypes;
using Ebpf.Runtime;
using Ebpf.TestRuns;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.TestRuns;

/// <summary>
/// Context in and out of test runs against the kernel's BPF_PROG_TEST_RUN: the same program and ctx_in give the same
/// return value, packet and ctx_out (or the same errno) in the kernel and on every engine and memory mode here.
/// </summary>
public class ContextTestRunTests(ITestOutputHelper output)
{
    private static readonly byte[] Udp = Convert.FromHexString(
        "020000000002" + "020000000001" + "0800" + "45000020000100004011f7cac0a80101c0a8010204d2162e000c0000616263");

    private static Instruction Load(int size, int dst, int src, int offset) =>
        new((byte)(0x61 | size switch { 4 => 0x00, 2 => 0x08, 1 => 0x10, _ => 0x18 }), (byte)dst, (byte)src, (short)offset, 0);

    private static Instruction Store(int size, int dst, int src, int offset) =>
        new((byte)(0x63 | size switch { 4 => 0x00, 2 => 0x08, 1 => 0x10, _ => 0x18 }), (byte)dst, (byte)src, (short)offset, 0);

    private static Instruction Mov(int dst, int imm) => new(0xb7, (byte)dst, 0, 0, imm);
    private static Instruction AddReg(int dst, int src) => new(0x0f, (byte)dst, (byte)src, 0, 0);
    private static Instruction Shift(int dst, int imm) => new(0x67, (byte)dst, 0, 0, imm);
    private static readonly Instruction Exit = new(Opcodes.Exit, 0, 0, 0, 0);

    /// <summary>
    /// tc: r0 = wire_len + (gso_segs &lt;&lt; 16) + (priority &lt;&lt; 24) + tstamp + hwtstamp + gso_size + ingress_ifindex;
    /// mark = 0x1234; cb[1] = ifindex; 2-byte store into cb[4]; tstamp = 77; priority = mark read before.
    /// </summary>
    private static Bytecode TcProgram() => new([
        Load(4, 0, 1, SkBuffContext.WireLen),
        Load(4, 2, 1, SkBuffContext.GsoSegs), Shift(2, 16), AddReg(0, 2),
        Load(4, 2, 1, SkBuffContext.Priority), Shift(2, 24), AddReg(0, 2),
        Load(8, 2, 1, SkBuffContext.Tstamp), AddReg(0, 2),
        Load(8, 2, 1, SkBuffContext.Hwtstamp), AddReg(0, 2),
        Load(4, 2, 1, SkBuffContext.GsoSize), AddReg(0, 2),
        Load(4, 2, 1, SkBuffContext.IngressIfindex), AddReg(0, 2),
        Load(4, 3, 1, SkBuffContext.Mark),
        Mov(2, 0x1234), Store(4, 1, 2, SkBuffContext.Mark),
        Load(4, 2, 1, SkBuffContext.Ifindex), Store(4, 1, 2, SkBuffContext.Cb + 4),
        Mov(2, 0x5a5a), Store(2, 1, 2, SkBuffContext.Cb + 18),
        Mov(2, 77), Store(8, 1, 2, SkBuffContext.Tstamp),
        Store(4, 1, 3, SkBuffContext.Priority),
        Exit]);

    /// <summary>socket filter: cb[0] = mark + priority + len; cb[3] += 1; return gso_segs + gso_size.</summary>
    private static Bytecode FilterProgram() => new([
        Load(4, 2, 1, SkBuffContext.Mark), Load(4, 3, 1, SkBuffContext.Priority), AddReg(2, 3),
        Load(4, 3, 1, SkBuffContext.Len), AddReg(2, 3), Store(4, 1, 2, SkBuffContext.Cb),
        Load(4, 2, 1, SkBuffContext.Cb + 12), new Instruction(0x07, 2, 0, 0, 1), Store(4, 1, 2, SkBuffContext.Cb + 12),
        Load(4, 0, 1, SkBuffContext.GsoSegs), Load(4, 2, 1, SkBuffContext.GsoSize), AddReg(0, 2),
        Exit]);

    /// <summary>XDP: r0 = ingress_ifindex &lt;&lt; 8 | rx_queue_index.</summary>
    private static Bytecode XdpProgram() => new([
        Load(4, 0, 1, 12), Shift(0, 8), Load(4, 2, 1, 16), AddReg(0, 2), Exit]);

    /// <summary>raw_tracepoint: r0 = args[0] + args[1] * 2^8 (a 4-byte narrow load of args[1]'s low half) + byte 2 of args[0].</summary>
    private static Bytecode RawTracepointProgram() => new([
        Load(8, 0, 1, 0), Load(4, 2, 1, 8), Shift(2, 8), AddReg(0, 2), Load(1, 2, 1, 2), AddReg(0, 2), Exit]);

    private static byte[] SkBuff(Action<byte[]> set)
    {
        var ctx = new byte[SkBuffContext.Size];
        set(ctx);
        return ctx;
    }

    private static void U32(byte[] ctx, int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(ctx.AsSpan(offset), value);
    private static void U64(byte[] ctx, int offset, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(ctx.AsSpan(offset), value);

    public static TheoryData<string> TcCases() => [.. SkbCases().Keys];

    private static Dictionary<string, byte[]?> SkbCases() => new()
    {
        ["no context"] = null,
        ["zero context"] = new byte[SkBuffContext.Size],
        ["every settable field"] = SkBuff(c =>
        {
            U32(c, SkBuffContext.Mark, 5); U32(c, SkBuffContext.Priority, 7); U32(c, SkBuffContext.IngressIfindex, 1);
            U32(c, SkBuffContext.Ifindex, 1); for (int i = 0; i < 5; i++) U32(c, SkBuffContext.Cb + 4 * i, 0x11111111u * (uint)(i + 1));
            U64(c, SkBuffContext.Tstamp, 1000); U32(c, SkBuffContext.WireLen, 1500); U32(c, SkBuffContext.GsoSegs, 3);
            U32(c, SkBuffContext.GsoSize, 1400); U64(c, SkBuffContext.Hwtstamp, 99);
        }),
        ["short context"] = [9, 0, 0, 0, 0, 0, 0, 0, 42],
        ["long context with zero tail"] = [.. SkBuff(c => U32(c, SkBuffContext.Mark, 3)), .. new byte[64]],
        ["len set"] = SkBuff(c => U32(c, SkBuffContext.Len, 10)),
        ["tc_index set"] = SkBuff(c => U32(c, SkBuffContext.TcIndex, 1)),
        ["napi_id set"] = SkBuff(c => U32(c, SkBuffContext.NapiId, 1)),
        ["sk set"] = SkBuff(c => U64(c, SkBuffContext.Sk, 1)),
        ["tstamp_type set"] = SkBuff(c => c[SkBuffContext.TstampType] = 1),
        ["wire_len below len"] = SkBuff(c => U32(c, SkBuffContext.WireLen, 20)),
        ["wire_len above 64 KiB"] = SkBuff(c => U32(c, SkBuffContext.WireLen, 65537)),
        ["gso_segs above the limit"] = SkBuff(c => U32(c, SkBuffContext.GsoSegs, 65536)),
        ["unknown ifindex"] = SkBuff(c => U32(c, SkBuffContext.Ifindex, 999999)),
        ["non-zero tail"] = [.. new byte[SkBuffContext.Size], 0, 0, 1],
        ["data_end set"] = SkBuff(c => U32(c, SkBuffContext.DataEnd, 20)),
        ["data set"] = SkBuff(c => U32(c, SkBuffContext.Data, 4)),
    };

    [Theory]
    [MemberData(nameof(TcCases))]
    public void Tc_context_in_and_out_equal_the_kernels(string name) => CompareSkb(KnownProgramTypes.SchedCls, TcProgram(), name);

    [Theory]
    [MemberData(nameof(TcCases))]
    public void Socket_filter_context_in_and_out_equal_the_kernels(string name) => CompareSkb(KnownProgramTypes.SocketFilter, FilterProgram(), name);

    private void CompareSkb(ProgramType type, Bytecode program, string name)
    {
        if (KernelRequirement.Missing(output)) return;
        byte[]? ctx = SkbCases()[name];
        using var kernel = KernelTestProgram.Load(program, type);
        foreach (int outSize in new[] { 0, SkBuffContext.Size })
        {
            if (ctx is null && outSize == 0 && name != "no context") continue;
            var expected = KernelRun(() => kernel.TestRun(Udp, ctx, outSize));
            foreach (var ours in Engines(program, type))
            {
                var actual = OurRun(() => TestRunner.Run(ours.Program, type, new TestRunInput { Data = Udp, ContextIn = ctx, ContextOut = outSize > 0 }));
                Assert.True(expected == actual, $"{type.Name}, {name}, ctx_out {outSize}, {ours.Name}:\n kernel {expected}\n ours   {actual}");
            }
        }
    }

    /// <summary>cgroup skb and lwt: mark = cb[0] + len; cb[2] = priority; return 1 (cgroup skb must return 0 or 1).</summary>
    private static Bytecode MarkProgram() => new([
        Load(4, 2, 1, SkBuffContext.Cb), Load(4, 3, 1, SkBuffContext.Len), AddReg(2, 3), Store(4, 1, 2, SkBuffContext.Mark),
        Load(4, 2, 1, SkBuffContext.Priority), Store(4, 1, 2, SkBuffContext.Cb + 8), Mov(0, 1), Exit]);

    [Theory]
    [MemberData(nameof(TcCases))]
    public void Cgroup_skb_context_in_and_out_equal_the_kernels(string name) => CompareSkb(KnownProgramTypes.CgroupSkb, MarkProgram(), name);

    [Theory]
    [MemberData(nameof(TcCases))]
    public void Lwt_context_in_and_out_equal_the_kernels(string name) => CompareSkb(KnownProgramTypes.LwtXmit, MarkProgram(), name);

    public static TheoryData<string> XdpCases() => [.. XdpContexts().Keys];

    private static Dictionary<string, byte[]?> XdpContexts()
    {
        static byte[] Md(uint data, uint dataEnd, uint meta = 0, uint ingress = 0, uint queue = 0, uint egress = 0)
        {
            var md = new byte[24];
            U32(md, 0, data); U32(md, 4, dataEnd); U32(md, 8, meta); U32(md, 12, ingress); U32(md, 16, queue); U32(md, 20, egress);
            return md;
        }
        uint size = (uint)Udp.Length;
        return new()
        {
            ["no context"] = null,
            ["whole packet"] = Md(0, size),
            ["8 bytes of metadata"] = Md(8, size),
            ["loopback queue 0"] = Md(0, size, ingress: 1),
            ["loopback queue 1"] = Md(0, size, ingress: 1, queue: 1),
            ["queue without device"] = Md(0, size, queue: 2),
            ["unknown device"] = Md(0, size, ingress: 999999),
            ["egress set"] = Md(0, size, egress: 1),
            ["data_meta set"] = Md(0, size, meta: 4),
            ["linear part shorter than the data"] = Md(0, size - 5),
            ["metadata and a shorter linear part"] = Md(4, size - 3),
            ["data_end beyond the data"] = Md(0, size + 1),
            ["linear part under an Ethernet header"] = Md(0, 10),
            ["metadata leaving no Ethernet header"] = Md(36, size),
            ["metadata past the frame's room"] = Md(220, size),
            ["unaligned metadata"] = Md(3, size),
            ["data after data_end"] = Md(size + 4, size),
        };
    }

    [Theory]
    [MemberData(nameof(XdpCases))]
    public void Xdp_context_in_and_out_equal_the_kernels(string name)
    {
        if (KernelRequirement.Missing(output)) return;
        var type = KnownProgramTypes.Xdp;
        var program = XdpProgram();
        byte[]? ctx = XdpContexts()[name];
        using var kernel = KernelTestProgram.Load(program, type);
        int outSize = ctx is null ? 0 : 24;
        var expected = KernelRun(() => kernel.TestRun(Udp, ctx, outSize));
        foreach (var ours in Engines(program, type))
        {
            var actual = OurRun(() => TestRunner.Run(ours.Program, type, new TestRunInput { Data = Udp, ContextIn = ctx, ContextOut = outSize > 0 }));
            Assert.True(expected == actual, $"xdp, {name}, {ours.Name}:\n kernel {expected}\n ours   {actual}");
        }
    }

    public static TheoryData<string> RawTracepointCases() => [.. RawTracepointContexts().Keys];

    private static Dictionary<string, byte[]> RawTracepointContexts() => new()
    {
        ["two arguments"] = Convert.FromHexString("0102030405060708" + "1112131415161718"),
        ["twelve arguments"] = [.. Convert.FromHexString("ff00ff00ff00ff00" + "0100000000000080"), .. new byte[80]],
        ["thirteen arguments"] = new byte[104],
    };

    [Theory]
    [MemberData(nameof(RawTracepointCases))]
    public void Raw_tracepoint_arguments_give_the_kernels_result(string name)
    {
        if (KernelRequirement.Missing(output)) return;
        var type = KnownProgramTypes.RawTracepoint;
        var program = RawTracepointProgram();
        byte[] ctx = RawTracepointContexts()[name];
        using var kernel = KernelTestProgram.Load(program, type);
        var expected = KernelRun(() => kernel.TestRunContext(ctx));
        foreach (var ours in Engines(program, type))
        {
            var actual = OurRun(() => TestRunner.Run(ours.Program, type, new TestRunInput { ContextIn = ctx }));
            Assert.True(expected == actual, $"raw_tracepoint, {name}, {ours.Name}:\n kernel {expected}\n ours   {actual}");
        }
    }

    private static IEnumerable<(string Name, IExecutableProgram Program)> Engines(Bytecode program, ProgramType type)
    {
        yield return ("interpreter", ExecutionEngines.Prepare(ExecutionEngine.Interpreter, program, TestRunner.OptionsFor(type)));
        yield return ("jit checked", ExecutionEngines.Prepare(ExecutionEngine.Jit, program, TestRunner.OptionsFor(type)));
        yield return ("jit unchecked", ExecutionEngines.Prepare(ExecutionEngine.Jit, program,
            TestRunner.OptionsFor(type, new ExecutionOptions { MemoryChecks = MemoryChecks.Unchecked })));
    }

    private static string KernelRun(Func<Linux.Programs.TestRunResult> run)
    {
        try
        {
            var r = run();
            return Outcome(r.ReturnValue, r.DataOut, r.ContextOut);
        }
        catch (KernelErrorException e) { return $"errno {e.ErrorNumber}"; }
    }

    private static string OurRun(Func<Ebpf.TestRuns.TestRunResult> run)
    {
        try
        {
            var r = run();
            return Outcome(r.ReturnValue, r.DataOut, r.ContextOut);
        }
        catch (TestRunException e) { return $"errno {e.Errno}"; }
    }

    private static string Outcome(uint retval, byte[] dataOut, byte[]? contextOut) =>
        $"retval {retval:x} data {Convert.ToHexString(dataOut)} ctx {(contextOut is null ? "none" : Convert.ToHexString(contextOut))}";
}
