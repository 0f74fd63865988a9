using Ebpf.Isa;
using Ebpf.Linux.Programs;
using Ebpf.Linux.Syscalls;
using Ebpf.ProgramTypes;

namespace Ebpf.Linux.Kernel;

/// <summary>
/// A program the Linux kernel verified and loaded, held open by a file descriptor: attach it to a hook, pin it, put it
/// in a program array, or run it with <c>BPF_PROG_TEST_RUN</c>. Dispose it to close the fd; the kernel unloads the program
/// once no fd, pin, link or program array refers to it.
/// </summary>
public sealed class KernelProgram : IDisposable
{
    internal KernelProgram(BpfFileDescriptor fd, string name, ProgramTypeId type, AttachTypeId? expectedAttachType)
    {
        Handle = fd;
        Name = name;
        Type = type;
        ExpectedAttachType = expectedAttachType;
        Id = KernelObjects.ProgramInfo(fd).Id;
    }

    internal BpfFileDescriptor Handle { get; }

    /// <summary>The program's file descriptor (valid until the program is disposed).</summary>
    public int FileDescriptor => Handle.Value;

    /// <summary>The program's name (as in the object; the kernel keeps the first 15 characters).</summary>
    public string Name { get; }

    /// <summary>The program type it was loaded as.</summary>
    public ProgramTypeId Type { get; }

    /// <summary>The expected attach type it was loaded with, if any.</summary>
    public AttachTypeId? ExpectedAttachType { get; }

    /// <summary>The kernel's id of the program (what <c>bpftool prog show</c> lists).</summary>
    public uint Id { get; }

    /// <summary>Verifies and loads <paramref name="instructions"/> as a program of <paramref name="type"/>.</summary>
    /// <param name="instructions">The instructions; map references must already be map fds (<c>lddw src=1/2</c>).</param>
    /// <param name="type">The program type.</param>
    /// <param name="name">The name the kernel shows.</param>
    /// <param name="license">The license; GPL-only helpers need a GPL-compatible one.</param>
    /// <param name="expectedAttachType">The expected attach type, for types whose rules depend on it.</param>
    /// <exception cref="KernelErrorException">The kernel refused; a verifier rejection carries its log.</exception>
    public static KernelProgram Load(Bytecode instructions, ProgramTypeId type, string name, string license = "GPL", AttachTypeId? expectedAttachType = null)
    {
        ArgumentNullException.ThrowIfNull(instructions);
        ArgumentNullException.ThrowIfNull(name);
        var fd = ProgramLoader.Load(new ProgramLoadRequest(type, instructions, license, name) { ExpectedAttachType = expectedAttachType });
        return Adopt(fd, name, type, expectedAttachType);
    }

    /// <summary>Loads with a prepared request (BTF, kernel version); used by <c>KernelCollection</c>.</summary>
    internal static KernelProgram Load(ProgramLoadRequest request)
    {
        var program = Adopt(ProgramLoader.Load(request, out string? log), request.Name, request.Type, request.ExpectedAttachType);
        program.VerifierLog = log;
        return program;
    }

    /// <summary>The kernel verifier's log of the load, when a log level was asked for (null otherwise).</summary>
    public string? VerifierLog { get; private set; }

    /// <summary>Opens the loaded program with id <paramref name="id"/>.</summary>
    /// <exception cref="KernelErrorException">No such program, or no permission.</exception>
    public static KernelProgram FromId(uint id)
    {
        var attr = new BpfAttrGetId { Id = id };
        return FromFd(new BpfFileDescriptor(BpfSyscall.Invoke(BpfCommand.ProgramGetFdById, ref attr)));
    }

    /// <summary>Opens the program pinned at <paramref name="path"/>.</summary>
    /// <exception cref="KernelErrorException">Nothing is pinned there, or it is not a program.</exception>
    public static KernelProgram FromPin(string path) => FromFd(KernelObjects.OpenPinned(path));

    private static KernelProgram FromFd(BpfFileDescriptor fd)
    {
        try
        {
            var info = KernelObjects.ProgramInfo(fd);
            return new KernelProgram(fd, KernelObjects.NameOf(info), (ProgramTypeId)info.Type, null);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    private static KernelProgram Adopt(BpfFileDescriptor fd, string name, ProgramTypeId type, AttachTypeId? expectedAttachType)
    {
        try
        {
            return new KernelProgram(fd, name, type, expectedAttachType);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>Pins the program at <paramref name="path"/> in the bpf file system, so it outlives this process.</summary>
    public void Pin(string path) => KernelObjects.Pin(Handle, path);

    /// <summary>A description of the program as the kernel reports it now (tag, sizes, map ids, run statistics).</summary>
    public KernelProgramInfo Info() => KernelProgramInfo.Read(Handle);

    /// <summary>Runs the program <paramref name="repeat"/> times on a packet holding <paramref name="data"/> (BPF_PROG_TEST_RUN).</summary>
    /// <exception cref="KernelErrorException">The kernel refused the run.</exception>
    public TestRunResult TestRun(byte[] data, int repeat = 1) => TestRunCalls.TestRun(Handle, data, repeat);

    /// <summary>Runs the program on a packet with <c>ctx_in</c> and a <c>ctx_out</c> buffer of <paramref name="contextOutSize"/> bytes.</summary>
    /// <exception cref="KernelErrorException">The kernel refused the run.</exception>
    public TestRunResult TestRun(byte[] data, byte[]? contextIn, int contextOutSize, int repeat = 1) =>
        TestRunCalls.TestRun(Handle, data, contextIn, contextOutSize, repeat);

    /// <summary>Runs a context-only program (raw tracepoint) once with <paramref name="contextIn"/> as its context.</summary>
    /// <exception cref="KernelErrorException">The kernel refused the run.</exception>
    public TestRunResult TestRunContext(byte[] contextIn) => TestRunCalls.TestRunContext(Handle, contextIn);

    /// <summary>Closes the program's file descriptor.</summary>
    public void Dispose() => Handle.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"kernel program {Id} '{Name}' ({Type})";
}
