using System.Runtime.InteropServices;
using Ebpf.Elf;
using Ebpf.Helpers;
using Ebpf.Isa;

namespace Ebpf.Benchmarks;

/// <summary>
/// The benchmark programs of bench/programs: each C function compiled to BPF (the committed .bpf.o) and to native
/// code (libbenchnative.so, built by the Makefile on this machine), plus the input each one runs on.
/// </summary>
public static unsafe class BenchmarkPrograms
{
    public const int HelperId = 10001;

    public static readonly string[] Names = ["alu_loop", "packet_hash", "checksum", "byte_scan", "div32", "bpf_calls", "helper_calls"];

    public static string Directory { get; } = FindDirectory();

    /// <summary>The host helper that helper_calls.c calls as id 10001: the same arithmetic as its native twin.</summary>
    public static HelperTable Helpers { get; } = HelperTable.CreateLinux()
        .Register(new HelperDescriptor(HelperId, "bench_mix", (a, b, _, _, _, _) => (a ^ (b * 31)) + 1));

    public static Bytecode Load(string name)
    {
        var elf = ElfFile.Read(File.ReadAllBytes(Path.Combine(Directory, name + ".bpf.o")));
        var text = elf.FindSection(".text") ?? throw new InvalidOperationException($"{name}.bpf.o has no .text");
        var symbol = elf.FunctionsIn(text).Single(s => s.Name == name);
        return Bytecode.FromBytes(text.Data.Span[(int)symbol.Value..]);
    }

    public static delegate* unmanaged<byte*, ulong, ulong> Native(string name)
    {
        var library = NativeLibrary.Load(Path.Combine(Directory, "libbenchnative.so"));
        return (delegate* unmanaged<byte*, ulong, ulong>)NativeLibrary.GetExport(library, name);
    }

    /// <summary>A 1500-byte Ethernet/IPv4/UDP frame with a text payload: every program reads it.</summary>
    public static byte[] Input()
    {
        var frame = new byte[1500];
        byte[] header = Convert.FromHexString(
            "0000000000020000000000010800" +             // Ethernet: dst, src, IPv4
            "450005ce1c4640004011000" + "0c0a8010ac0a80101" + // IPv4: 1486 bytes, UDP, 192.168.1.10 -> 192.168.1.1
            "d43100350" + "5ba0000");                     // UDP 54321 -> 53
        header.CopyTo(frame, 0);
        var text = "The quick brown fox jumps over the lazy dog 0123456789\n"u8;
        for (int i = header.Length; i < frame.Length; i++) frame[i] = text[i % text.Length];
        return frame;
    }

    private static string FindDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "bench", "programs");
            if (System.IO.Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("bench/programs not found above " + AppContext.BaseDirectory);
    }
}
