using Ebpf.ProgramTypes;
using Ebpf.Isa;
using Ebpf.Linux.Syscalls;

namespace Ebpf.Linux.Programs;

/// <summary>
/// Loads instructions into the kernel with <see cref="BpfCommand.ProgramLoad"/>. The first attempt asks for no
/// verifier log (logging slows verification down); only when it fails is the load repeated with a log, so the
/// error can say why.
/// </summary>
internal static unsafe class ProgramLoader
{
    /// <summary>The verifier log buffer of the retry after a failed load.</summary>
    public const int LogBufferSize = 1 << 20;

    /// <summary>The largest log buffer a retry grows to when the kernel reports a longer log.</summary>
    public const int MaxLogBufferSize = 16 << 20;

    /// <summary>Verifies and loads <paramref name="program"/>; returns the program's fd.</summary>
    /// <exception cref="KernelErrorException">The kernel refused; for a verifier rejection the log is attached.</exception>
    public static BpfFileDescriptor Load(ProgramTypeId type, Bytecode program, string license, string name, AttachTypeId? expectedAttachType = null)
    {
        if (!FunctionBtf.IsNeeded(program)) return Load(type, expectedAttachType, program, license, name, btf: default);
        // A program that takes a function's address needs func_info, so BTF that names its subprograms.
        var starts = FunctionBtf.SubprogramStarts(program);
        using var btf = FunctionBtf.Load(FunctionBtf.Build(starts.Count));
        return Load(type, expectedAttachType, program, license, name, new ProgramBtf(btf.AsAttrField, FunctionBtf.FunctionInfo(starts)));
    }

    /// <summary>The BTF of a program load: the BTF object's fd and the <c>bpf_func_info</c> records (8 bytes each).</summary>
    private readonly record struct ProgramBtf(uint Fd, byte[]? FunctionInfo);

    private static BpfFileDescriptor Load(ProgramTypeId type, AttachTypeId? expectedAttachType, Bytecode program, string license, string name, ProgramBtf btf)
    {
        byte[] instructions = program.ToBytes();
        byte[] licenseBytes = new byte[System.Text.Encoding.ASCII.GetByteCount(license) + 1];
        System.Text.Encoding.ASCII.GetBytes(license, licenseBytes);

        int errno = TryLoad(type, expectedAttachType, instructions, licenseBytes, name, btf, log: null, out int fd, out _);
        if (errno == 0) return new BpfFileDescriptor(fd);
        if (errno is not (Errno.EINVAL or Errno.EACCES or Errno.EPERM or Errno.E2BIG or Errno.ENOSPC))
            throw new KernelErrorException(BpfCommand.ProgramLoad, errno);

        byte[] log = new byte[LogBufferSize];
        errno = TryLoad(type, expectedAttachType, instructions, licenseBytes, name, btf, log, out fd, out uint trueSize);
        if (errno == Errno.ENOSPC && trueSize > log.Length && trueSize <= MaxLogBufferSize)
        {
            log = new byte[trueSize];
            errno = TryLoad(type, expectedAttachType, instructions, licenseBytes, name, btf, log, out fd, out _);
        }
        // The first attempt failed, the logged one may still succeed (a transient ENOMEM-like failure): take it.
        if (errno == 0) return new BpfFileDescriptor(fd);
        throw new KernelErrorException(BpfCommand.ProgramLoad, errno, LogText(log));
    }

    private static int TryLoad(ProgramTypeId type, AttachTypeId? expectedAttachType, byte[] instructions, byte[] license, string name, ProgramBtf btf, byte[]? log,
        out int fd, out uint logTrueSize)
    {
        fixed (byte* insns = instructions)
        fixed (byte* licensePointer = license)
        fixed (byte* logPointer = log)
        fixed (byte* functionInfo = btf.FunctionInfo)
        {
            var attr = new BpfAttrProgramLoad
            {
                ProgramType = type,
                ExpectedAttachType = expectedAttachType is { } attach ? (uint)attach : 0u,
                InstructionCount = (uint)(instructions.Length / Instruction.Size),
                Instructions = (ulong)insns,
                License = (ulong)licensePointer,
                LogLevel = log is null ? 0u : 1u,
                LogSize = log is null ? 0u : (uint)log.Length,
                LogBuffer = (ulong)logPointer,
            };
            if (btf.FunctionInfo is { } records)
            {
                attr.ProgramBtfFd = btf.Fd;
                attr.FunctionInfoRecordSize = 8;
                attr.FunctionInfo = (ulong)functionInfo;
                attr.FunctionInfoCount = (uint)(records.Length / 8);
            }
            attr.SetName(name);
            int errno = BpfSyscall.TryInvoke(BpfCommand.ProgramLoad, ref attr, out fd);
            logTrueSize = attr.LogTrueSize;
            return errno;
        }
    }

    private static string LogText(byte[] log)
    {
        int end = Array.IndexOf(log, (byte)0);
        return System.Text.Encoding.UTF8.GetString(log, 0, end < 0 ? log.Length : end);
    }
}
