using Ebpf.Linux.Syscalls;
using Ebpf.ProgramTypes;

namespace Ebpf.Linux.Kernel;

/// <summary>What the kernel reports about a loaded program (<c>struct bpf_prog_info</c>), as <c>bpftool prog show</c> prints it.</summary>
/// <param name="Id">The program id.</param>
/// <param name="Name">The name (at most 15 characters).</param>
/// <param name="Type">The program type.</param>
/// <param name="Tag">The program tag (SHA-1 prefix of the instructions) as 16 hex digits.</param>
/// <param name="GplCompatible">Whether the license is GPL-compatible.</param>
/// <param name="TranslatedBytes">The size of the verified, rewritten instructions.</param>
/// <param name="JitedBytes">The size of the native code, or 0 when not JIT-compiled.</param>
/// <param name="MapIds">The ids of the maps the program uses.</param>
/// <param name="VerifiedInstructions">How many instructions the verifier processed.</param>
/// <param name="RunCount">How often it ran (counted only while BPF stats are enabled).</param>
/// <param name="RunTimeNanoseconds">Total run time (likewise).</param>
/// <param name="BtfId">The id of its BTF, or 0.</param>
public sealed record KernelProgramInfo(uint Id, string Name, ProgramTypeId Type, string Tag, bool GplCompatible, uint TranslatedBytes, uint JitedBytes,
    IReadOnlyList<uint> MapIds, uint VerifiedInstructions, ulong RunCount, ulong RunTimeNanoseconds, uint BtfId)
{
    internal static unsafe KernelProgramInfo Read(BpfFileDescriptor fd)
    {
        var info = KernelObjects.ProgramInfo(fd);
        uint[] mapIds = [];
        if (info.MapIdCount > 0)
        {
            mapIds = new uint[info.MapIdCount];
            info = KernelObjects.ProgramInfo(fd, mapIds);
            mapIds = mapIds[..(int)Math.Min(info.MapIdCount, (uint)mapIds.Length)];
        }
        string tag = Convert.ToHexStringLower(new ReadOnlySpan<byte>(info.Tag, 8));
        return new KernelProgramInfo(info.Id, KernelObjects.NameOf(info), (ProgramTypeId)info.Type, tag, (info.Bits & 1) != 0,
            info.TranslatedLength, info.JitedLength, mapIds, info.VerifiedInstructions, info.RunCount, info.RunTimeNanoseconds, info.BtfId);
    }

    /// <summary>Every program the kernel has loaded now, by id (programs unloaded during the walk are skipped).</summary>
    public static IReadOnlyList<KernelProgramInfo> All()
    {
        var programs = new List<KernelProgramInfo>();
        foreach (uint id in KernelObjects.Ids(BpfCommand.ProgramGetNextId))
        {
            using var fd = KernelObjects.OpenById(BpfCommand.ProgramGetFdById, id);
            if (fd is not null) programs.Add(Read(fd));
        }
        return programs;
    }
}
