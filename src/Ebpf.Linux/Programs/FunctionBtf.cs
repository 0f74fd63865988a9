using System.Buffers.Binary;
using Ebpf.Isa;
using Ebpf.Linux.Syscalls;

namespace Ebpf.Linux.Programs;

/// <summary>
/// The BTF the kernel demands of a program that takes a function's address (<c>lddw</c> source 4, a callback for
/// <c>bpf_loop</c> or <c>bpf_for_each_map_elem</c>): the verifier refuses such a program without <c>func_info</c>
/// ("missing btf func_info") and wants every callback static. For programs given as bare instructions this builds
/// the least BTF that says so: <c>int</c>, one <c>int (void)</c> prototype, and a FUNC per subprogram (the entry
/// global, every other one static), plus the <c>func_info</c> records that place them.
/// </summary>
internal static class FunctionBtf
{
    private const int KindInt = 1;
    private const int KindFunc = 12;
    private const int KindFuncProto = 13;
    private const int LinkageStatic = 0;
    private const int LinkageGlobal = 1;
    private const int HeaderLength = 24;

    /// <summary>Whether the program takes a function's address and so needs BTF to load.</summary>
    public static bool IsNeeded(Bytecode program)
    {
        var slots = program.Slots;
        for (int pc = 0; pc < slots.Length; pc++)
        {
            if (!slots[pc].IsLddw) continue;
            if (slots[pc].Source == (byte)LddwSource.Function) return true;
            pc++;
        }
        return false;
    }

    /// <summary>The first slot of every subprogram as the kernel finds them: the entry, call targets, function references.</summary>
    public static IReadOnlyList<int> SubprogramStarts(Bytecode program)
    {
        var slots = program.Slots;
        var starts = new SortedSet<int> { 0 };
        for (int pc = 0; pc < slots.Length; pc++)
        {
            var insn = slots[pc];
            if (insn.Opcode == Opcodes.Call && insn.Source == (byte)CallKind.Local) starts.Add(pc + 1 + insn.Immediate);
            if (!insn.IsLddw) continue;
            if (insn.Source == (byte)LddwSource.Function) starts.Add(pc + 1 + insn.Immediate);
            pc++;
        }
        return [.. starts];
    }

    /// <summary>The raw BTF blob (header, types, strings) for <paramref name="functionCount"/> functions.</summary>
    public static byte[] Build(int functionCount)
    {
        var strings = new List<byte> { 0 };
        int AddString(string text)
        {
            int offset = strings.Count;
            strings.AddRange(System.Text.Encoding.ASCII.GetBytes(text));
            strings.Add(0);
            return offset;
        }

        var types = new List<uint>
        {
            // [1] int: 4 bytes, signed, 32 bits
            (uint)AddString("int"), Info(KindInt, 0), 4, 1u << 24 | 32,
            // [2] int (void)
            0, Info(KindFuncProto, 0), 1,
        };
        for (int i = 0; i < functionCount; i++)
            types.AddRange([(uint)AddString($"function_{i}"), Info(KindFunc, i == 0 ? LinkageGlobal : LinkageStatic), 2]);

        int typeLength = types.Count * 4;
        var blob = new byte[HeaderLength + typeLength + strings.Count];
        var span = blob.AsSpan();
        BinaryPrimitives.WriteUInt16LittleEndian(span, 0xeb9f);
        span[2] = 1; // version
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], HeaderLength);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], (uint)typeLength);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], (uint)typeLength);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], (uint)strings.Count);
        for (int i = 0; i < types.Count; i++) BinaryPrimitives.WriteUInt32LittleEndian(span[(HeaderLength + i * 4)..], types[i]);
        strings.CopyTo(blob, HeaderLength + typeLength);
        return blob;
    }

    /// <summary>The <c>bpf_func_info</c> records (insn_off, type_id) for the subprograms starting at <paramref name="starts"/>.</summary>
    public static byte[] FunctionInfo(IReadOnlyList<int> starts)
    {
        var records = new byte[starts.Count * 8];
        for (int i = 0; i < starts.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(records.AsSpan(i * 8), (uint)starts[i]);
            BinaryPrimitives.WriteUInt32LittleEndian(records.AsSpan(i * 8 + 4), (uint)(3 + i)); // FUNC ids start at 3
        }
        return records;
    }

    /// <summary>Loads BTF into the kernel (BPF_BTF_LOAD) and returns its fd.</summary>
    /// <exception cref="KernelErrorException">The kernel refused the BTF; the message carries its log.</exception>
    public static BpfFileDescriptor Load(byte[] blob) => Kernel.BtfLoader.Load(blob, "the BTF naming the program's functions");

    private static uint Info(int kind, int vlen) => (uint)kind << 24 | (uint)vlen;
}
