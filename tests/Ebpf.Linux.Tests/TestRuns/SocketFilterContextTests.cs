using Ebpf.Isa;
using Ebpf.Linux.Programs;
using Ebpf.ProgramTypes;
using Ebpf.Runtime;
using Ebpf.TestRuns;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.TestRuns;

/// <summary>The user-space test run builds the same <c>__sk_buff</c> and output packet as the kernel's BPF_PROG_TEST_RUN.</summary>
public class SocketFilterContextTests(ITestOutputHelper output)
{
    private static readonly (string Name, byte[] Frame)[] Frames =
    [
        ("ipv4 udp to a unicast mac", Frame("020000000002" + "020000000001" + "0800" + "45000020000100004011f7cac0a80101c0a8010204d2162e000c0000616263")),
        ("ipv6 to a multicast mac", Frame("333300000001" + "020000000001" + "86dd" + "6000000000083aff" + new string('0', 62) + "01" + new string('0', 30) + "02" + "8000000000000000")),
        ("arp broadcast", Frame("ffffffffffff" + "020000000001" + "0806" + "0001080006040001020000000001c0a80101000000000000c0a80102")),
        ("zero destination", Frame("000000000000" + "020000000001" + "0800" + "45000014000100004000f9cac0a80101c0a80102")),
    ];

    private static byte[] Frame(string hex) => Convert.FromHexString(hex);

    public static TheoryData<string> FieldNames()
    {
        var data = new TheoryData<string>();
        foreach (var field in KnownProgramTypes.SocketFilter.Fields.Where(f => f.Size == 4)) data.Add(field.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(FieldNames))]
    public void Context_fields_equal_the_kernels(string fieldName)
    {
        if (KernelRequirement.Missing(output)) return;
        var field = KnownProgramTypes.SocketFilter.Field(fieldName);
        var program = new Bytecode([new Instruction(0x61, 0, 1, (short)field.Offset, 0), new Instruction(Opcodes.Exit, 0, 0, 0, 0)]);
        // Every field the descriptor lists must be one the kernel lets socket filters read.
        using (var kernel = KernelTestProgram.Load(program))
        {
            foreach (var engine in new[] { ExecutionEngine.Interpreter, ExecutionEngine.Jit })
            {
                var ours = ExecutionEngines.Prepare(engine, program, TestRunner.OptionsFor(KnownProgramTypes.SocketFilter));
                foreach (var (name, frame) in Frames)
                {
                    var expected = kernel.TestRun(frame);
                    var actual = TestRunner.Run(ours, KnownProgramTypes.SocketFilter, frame);
                    Assert.True(expected.ReturnValue == actual.ReturnValue, $"{fieldName} for {name} on {engine}: kernel {expected.ReturnValue:x}, ours {actual.ReturnValue:x}");
                    Assert.Equal(Convert.ToHexString(expected.DataOut), Convert.ToHexString(actual.DataOut));
                }
            }
        }
    }

    [Fact]
    public void Legacy_packet_loads_read_from_the_network_header()
    {
        if (KernelRequirement.Missing(output)) return;
        // r6 = r1; r0 = ldabsb 9 (the IPv4 protocol byte); r0 <<= 16; r7 = r0; r0 = ldabsh 2 (total length); r0 |= r7; exit
        var program = new Bytecode([
            new Instruction(0xbf, 6, 1, 0, 0), new Instruction(0x30, 0, 0, 0, 9), new Instruction(0x67, 0, 0, 0, 16),
            new Instruction(0xbf, 7, 0, 0, 0), new Instruction(0x28, 0, 0, 0, 2), new Instruction(0x4f, 0, 7, 0, 0),
            new Instruction(Opcodes.Exit, 0, 0, 0, 0)]);
        using var kernel = KernelTestProgram.Load(program);
        var ours = ExecutionEngines.Prepare(ExecutionEngine.Jit, program, TestRunner.OptionsFor(KnownProgramTypes.SocketFilter));
        var frame = Frames[0].Frame;
        Assert.Equal(0x110020u, kernel.TestRun(frame).ReturnValue);
        Assert.Equal(0x110020u, TestRunner.Run(ours, KnownProgramTypes.SocketFilter, frame).ReturnValue);
    }
}
