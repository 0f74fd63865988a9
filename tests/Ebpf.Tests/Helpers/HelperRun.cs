using System.Text;
using Ebpf.Isa.Text;
using Ebpf.Maps;
using Ebpf.Runtime;

namespace Ebpf.Tests.Helpers;

/// <summary>
/// Runs an assembled program on one engine with r1 = a block of memory; <c>CONSTn</c> in the source is the address of
/// constant string n, held in a read-only array map as a loader would place a .rodata string.
/// </summary>
internal sealed class HelperRun(ExecutionEngine engine)
{
    public ulong Run(string source, byte[] memory, RunContext? context = null, params string[] constants)
    {
        var maps = new List<Map>();
        try
        {
            for (int i = 0; i < constants.Length; i++)
            {
                byte[] bytes = [.. Encoding.Latin1.GetBytes(constants[i]), 0];
                var map = Map.Create(new MapSpec($"const{i}", MapType.Array, 4, (uint)bytes.Length, 1, MapCreationFlags.ReadOnlyProgram));
                map.Update(new byte[4], bytes);
                maps.Add(map);
                source = source.Replace($"CONST{i}", $"map_idx_value({i}, 0) ll");
            }
            var program = ExecutionEngines.Prepare(engine, Assembler.Assemble(source), new ExecutionOptions { Maps = maps });
            return program.Run(memory, context ?? new RunContext());
        }
        finally
        {
            foreach (var map in maps) map.Dispose();
        }
    }

    /// <summary>Assembly that writes <paramref name="bytes"/> to the stack at r10 - <paramref name="offset"/> (8-byte chunks, zero-padded); clobbers r1.</summary>
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

    public static ulong Errno(int errno) => unchecked((ulong)-(long)errno);
}
