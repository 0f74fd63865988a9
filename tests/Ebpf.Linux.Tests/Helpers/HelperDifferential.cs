using System.Text;
using Ebpf.Isa.Text;
using Ebpf.Linux.Kernel;
using Ebpf.Linux.Programs;
using Ebpf.Linux.Syscalls;
using Ebpf.Maps;
using Ebpf.ProgramTypes;
using Ebpf.Runtime;
using Ebpf.TestRuns;

namespace Ebpf.Linux.Tests.Helpers;

/// <summary>
/// Runs one assembled program in the kernel (BPF_PROG_TEST_RUN) and on both of our engines, and compares return value
/// and output packet. <c>CONSTn</c> in the source stands for the address of constant string n (a frozen read-only
/// array map in the kernel, as the verifier demands for ARG_PTR_TO_CONST_STR; a read-only array map here).
/// </summary>
internal static unsafe class HelperDifferential
{
    public sealed record Outcome(uint ReturnValue, byte[] DataOut);

    public static Outcome AssertSameAsKernel(string typeName, string source, byte[] packet, params string[] constants)
    {
        var type = KnownProgramTypes.All.Single(t => t.Name == typeName);
        var kernel = RunInKernel(type, source, packet, constants);
        foreach (var engine in new[] { ExecutionEngine.Interpreter, ExecutionEngine.Jit })
        {
            var ours = RunHere(engine, type, source, packet, constants);
            Assert.True(kernel.ReturnValue == ours.ReturnValue,
                $"{engine}: retval 0x{ours.ReturnValue:x}, the kernel's 0x{kernel.ReturnValue:x}");
            Assert.Equal(Convert.ToHexString(kernel.DataOut), Convert.ToHexString(ours.DataOut));
        }
        return kernel;
    }

    public static Outcome RunInKernel(ProgramType type, string source, byte[] packet, string[] constants)
    {
        var fds = new List<KernelMap>();
        try
        {
            string text = source;
            for (int i = 0; i < constants.Length; i++)
            {
                var fd = CreateFrozenString(constants[i]);
                fds.Add(fd);
                text = text.Replace($"CONST{i}", $"map_value({fd.FileDescriptor}, 0) ll");
            }
            using var program = KernelTestProgram.Load(Assembler.Assemble(text), type);
            var result = program.TestRun(packet);
            return new Outcome(result.ReturnValue, result.DataOut);
        }
        finally
        {
            foreach (var fd in fds) fd.Dispose();
        }
    }

    public static Outcome RunHere(ExecutionEngine engine, ProgramType type, string source, byte[] packet, string[] constants, RunContext? context = null)
    {
        var maps = new List<Map>();
        try
        {
            string text = source;
            for (int i = 0; i < constants.Length; i++)
            {
                byte[] bytes = [.. Encoding.Latin1.GetBytes(constants[i]), 0];
                var map = Map.Create(new MapSpec($"const{i}", MapType.Array, 4, (uint)bytes.Length, 1, MapCreationFlags.ReadOnlyProgram));
                map.Update(new byte[4], bytes);
                maps.Add(map);
                text = text.Replace($"CONST{i}", $"map_idx_value({i}, 0) ll");
            }
            var program = ExecutionEngines.Prepare(engine, Assembler.Assemble(text), TestRunner.OptionsFor(type, new ExecutionOptions { Maps = maps }));
            var result = TestRunner.Run(program, type, packet, context: context);
            return new Outcome(result.ReturnValue, result.DataOut);
        }
        finally
        {
            foreach (var map in maps) map.Dispose();
        }
    }

    /// <summary>Assembly that writes <paramref name="bytes"/> to the stack at r10 - <paramref name="offset"/> (8-byte chunks, zero-padded).</summary>
    public static string StackBytes(byte[] bytes, int offset)
    {
        var text = new StringBuilder();
        for (int i = 0; i < bytes.Length; i += 8)
        {
            var chunk = new byte[8];
            bytes.AsSpan(i, Math.Min(8, bytes.Length - i)).CopyTo(chunk);
            text.AppendLine($"r1 = 0x{BitConverter.ToUInt64(chunk):x} ll");
            text.AppendLine($"*(u64 *)(r10 - {offset - i}) = r1");
        }
        return text.ToString();
    }

    /// <summary>Assembly that copies <paramref name="length"/> bytes (a multiple of 8) from r10 - <paramref name="offset"/> to the packet at r7 + 14.</summary>
    public static string StackToPacket(int offset, int length)
    {
        var text = new StringBuilder();
        for (int i = 0; i < length; i += 8)
        {
            text.AppendLine($"r1 = *(u64 *)(r10 - {offset - i})");
            text.AppendLine($"*(u64 *)(r7 + {14 + i}) = r1");
        }
        return text.ToString();
    }

    private static KernelMap CreateFrozenString(string value)
    {
        byte[] bytes = [.. Encoding.Latin1.GetBytes(value), 0];
        var map = KernelMap.Create(new MapSpec("const_string", MapType.Array, 4, (uint)bytes.Length, 1, MapCreationFlags.ReadOnlyProgram));
        map.Update(new byte[4], bytes);
        map.Freeze();
        return map;
    }
}
