using System.Text.RegularExpressions;
using Ebpf.Isa;
using Ebpf.Linux.Syscalls;
using Ebpf.ProgramTypes;

namespace Ebpf.Linux.Tests.Verifier;

/// <summary>The kernel's verdict on a program: accepted or not, its log, and the statistics it reports (BPF_LOG_STATS).</summary>
internal sealed record KernelVerdict(bool Accepted, int Errno, string Log, int? Processed, long? Microseconds);

/// <summary>Test-only: BPF_PROG_LOAD with a statistics log, the oracle of the verifier differential tests.</summary>
internal static unsafe partial class KernelVerifier
{
    /// <summary>log_level BPF_LOG_LEVEL1 | BPF_LOG_STATS: the rejection's log and, on success too, "processed N insns … verification time N usec".</summary>
    private const uint LogLevel = 1 | 4;

    public static KernelVerdict Load(Bytecode program, ProgramTypeId type, AttachTypeId? attach, string license, string name)
    {
        byte[] instructions = program.ToBytes();
        byte[] licenseBytes = new byte[System.Text.Encoding.ASCII.GetByteCount(license) + 1];
        System.Text.Encoding.ASCII.GetBytes(license, licenseBytes);
        byte[] log = new byte[16 << 20];
        // Programs that take a function's address (bpf_loop, for_each_map_elem callbacks) need func_info: BTF that
        // names their subprograms, made up here as the library's loader does.
        var starts = Ebpf.Linux.Programs.FunctionBtf.IsNeeded(program) ? Ebpf.Linux.Programs.FunctionBtf.SubprogramStarts(program) : null;
        using var btf = starts is null ? null : Ebpf.Linux.Programs.FunctionBtf.Load(Ebpf.Linux.Programs.FunctionBtf.Build(starts.Count));
        byte[]? functionInfo = starts is null ? null : Ebpf.Linux.Programs.FunctionBtf.FunctionInfo(starts);
        fixed (byte* functions = functionInfo)
        fixed (byte* insns = instructions)
        fixed (byte* licensePointer = licenseBytes)
        fixed (byte* logPointer = log)
        {
            var attr = new BpfAttrProgramLoad
            {
                ProgramType = type,
                InstructionCount = (uint)(instructions.Length / Instruction.Size),
                Instructions = (ulong)insns,
                License = (ulong)licensePointer,
                LogLevel = LogLevel,
                LogSize = (uint)log.Length,
                LogBuffer = (ulong)logPointer,
                ExpectedAttachType = attach is null ? 0u : (uint)attach.Value,
            };
            if (btf is not null)
            {
                attr.ProgramBtfFd = btf.AsAttrField;
                attr.FunctionInfoRecordSize = 8;
                attr.FunctionInfo = (ulong)functions;
                attr.FunctionInfoCount = (uint)(functionInfo!.Length / 8);
            }
            attr.SetName(name.Length > 15 ? name[..15] : name);
            int errno = BpfSyscall.TryInvoke(BpfCommand.ProgramLoad, ref attr, out int fd);
            // A transient failure (no verdict: EAGAIN, ENOMEM, EINTR, or an error without a log) is retried, so a busy
            // machine does not turn into a "kernel rejects".
            for (int retry = 0; retry < 5 && errno is 4 or 11 or 12 || retry < 5 && errno != 0 && log[0] == 0; retry++)
            {
                Thread.Sleep(20 * (retry + 1));
                errno = BpfSyscall.TryInvoke(BpfCommand.ProgramLoad, ref attr, out fd);
            }
            if (errno == 0) new BpfFileDescriptor(fd).Dispose();
            int end = Array.IndexOf(log, (byte)0);
            string text = System.Text.Encoding.UTF8.GetString(log, 0, end < 0 ? log.Length : end);
            var processed = ProcessedPattern().Match(text);
            var time = TimePattern().Match(text);
            return new KernelVerdict(errno == 0, errno, text,
                processed.Success ? int.Parse(processed.Groups[1].Value) : null,
                time.Success ? long.Parse(time.Groups[1].Value) : null);
        }
    }

    [GeneratedRegex(@"processed (\d+) insns")]
    private static partial Regex ProcessedPattern();

    [GeneratedRegex(@"verification time (\d+) usec")]
    private static partial Regex TimePattern();
}
