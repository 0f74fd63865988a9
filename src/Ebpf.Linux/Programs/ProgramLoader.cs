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

    /// <summary>The size of one <c>bpf_func_info</c> record.</summary>
    public const int FunctionInfoSize = 8;

    /// <summary>The size of one <c>bpf_line_info</c> record.</summary>
    public const int LineInfoSize = 16;

    /// <summary>Verifies and loads <paramref name="program"/>; returns the program's fd.</summary>
    /// <exception cref="KernelErrorException">The kernel refused; for a verifier rejection the log is attached.</exception>
    public static BpfFileDescriptor Load(ProgramTypeId type, Bytecode program, string license, string name, AttachTypeId? expectedAttachType = null) =>
        Load(new ProgramLoadRequest(type, program, license, name) { ExpectedAttachType = expectedAttachType });

    /// <summary>
    /// Verifies and loads the program of <paramref name="request"/>; returns its fd. A program that takes a function's
    /// address needs func_info: without BTF of its own, BTF naming its subprograms is made up for the load.
    /// </summary>
    /// <exception cref="KernelErrorException">The kernel refused; for a verifier rejection the log is attached.</exception>
    public static BpfFileDescriptor Load(ProgramLoadRequest request) => Load(request, out _);

    /// <summary>Like <see cref="Load(ProgramLoadRequest)"/>; <paramref name="log"/> is the verifier's log when the request asked for one.</summary>
    public static BpfFileDescriptor Load(ProgramLoadRequest request, out string? log)
    {
        if (request.Btf is not null || !FunctionBtf.IsNeeded(request.Instructions)) return LoadWithRetry(request, out log);
        var starts = FunctionBtf.SubprogramStarts(request.Instructions);
        using var btf = FunctionBtf.Load(FunctionBtf.Build(starts.Count));
        return LoadWithRetry(request with { Btf = new ProgramBtf(btf.AsAttrField, FunctionBtf.FunctionInfo(starts), null) }, out log);
    }

    private static BpfFileDescriptor LoadWithRetry(ProgramLoadRequest request, out string? logText)
    {
        byte[] instructions = request.Instructions.ToBytes();
        byte[] licenseBytes = new byte[System.Text.Encoding.ASCII.GetByteCount(request.License) + 1];
        System.Text.Encoding.ASCII.GetBytes(request.License, licenseBytes);
        logText = null;

        int errno;
        int fd;
        if (request.LogLevel == 0)
        {
            errno = TryLoad(request, instructions, licenseBytes, log: null, out fd, out _);
            if (errno == 0) return new BpfFileDescriptor(fd);
            if (errno is not (Errno.EINVAL or Errno.EACCES or Errno.EPERM or Errno.E2BIG or Errno.ENOSPC))
                throw new KernelErrorException(BpfCommand.ProgramLoad, errno, detail: $"program '{request.Name}'");
        }
        // With a log: asked for, or to explain the failure. A load that failed without a log may still succeed here (a
        // transient ENOMEM-like failure): take it.
        errno = TryLoadWithLog(request, instructions, licenseBytes, out fd, out string log);
        if (errno == 0)
        {
            if (request.LogLevel != 0) logText = log;
            return new BpfFileDescriptor(fd);
        }
        throw new KernelErrorException(BpfCommand.ProgramLoad, errno, log, $"program '{request.Name}'");
    }

    /// <summary>Loads with a log buffer, growing it once to the size the kernel asks for when the log did not fit.</summary>
    private static int TryLoadWithLog(ProgramLoadRequest request, byte[] instructions, byte[] license, out int fd, out string logText)
    {
        byte[] log = new byte[LogBufferSize];
        int errno = TryLoad(request, instructions, license, log, out fd, out uint needed);
        if (errno == Errno.ENOSPC && needed > log.Length && needed <= MaxLogBufferSize)
        {
            log = new byte[needed];
            errno = TryLoad(request, instructions, license, log, out fd, out _);
        }
        logText = LogText(log);
        return errno;
    }

    private static int TryLoad(ProgramLoadRequest request, byte[] instructions, byte[] license, byte[]? log, out int fd, out uint logTrueSize)
    {
        var btf = request.Btf;
        fixed (byte* insns = instructions)
        fixed (byte* licensePointer = license)
        fixed (byte* logPointer = log)
        fixed (byte* functionInfo = btf?.FunctionInfo)
        fixed (byte* lineInfo = btf?.LineInfo)
        {
            var attr = new BpfAttrProgramLoad
            {
                ProgramType = request.Type,
                ExpectedAttachType = request.ExpectedAttachType is { } attach ? (uint)attach : 0u,
                InstructionCount = (uint)(instructions.Length / Instruction.Size),
                Instructions = (ulong)insns,
                License = (ulong)licensePointer,
                KernelVersion = request.KernelVersion,
                LogLevel = log is null ? 0u : Math.Max(request.LogLevel, 1u),
                LogSize = log is null ? 0u : (uint)log.Length,
                LogBuffer = (ulong)logPointer,
            };
            if (btf is not null)
            {
                attr.ProgramBtfFd = btf.Fd;
                if (btf.FunctionInfo.Length > 0)
                {
                    attr.FunctionInfoRecordSize = FunctionInfoSize;
                    attr.FunctionInfo = (ulong)functionInfo;
                    attr.FunctionInfoCount = (uint)(btf.FunctionInfo.Length / FunctionInfoSize);
                }
                if (btf.LineInfo is { Length: > 0 } lines)
                {
                    attr.LineInfoRecordSize = LineInfoSize;
                    attr.LineInfo = (ulong)lineInfo;
                    attr.LineInfoCount = (uint)(lines.Length / LineInfoSize);
                }
            }
            attr.SetName(request.Name);
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
