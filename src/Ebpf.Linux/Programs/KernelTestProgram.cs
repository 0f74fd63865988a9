using Ebpf.ProgramTypes;
using Ebpf.Isa;
using Ebpf.Linux.Syscalls;

namespace Ebpf.Linux.Programs;

/// <summary>
/// A program loaded into the kernel to be run on demand with <c>BPF_PROG_TEST_RUN</c>: a socket filter by default
/// (r1 is a <c>__sk_buff</c> built from the test data), or any packet program type (XDP, tc). Used as the reference
/// for what the kernel computes. Dispose it to unload the program.
/// </summary>
public sealed class KernelTestProgram : IDisposable
{
    /// <summary>The least test data the kernel accepts: one Ethernet header (ETH_HLEN).</summary>
    public const int MinimumDataLength = 14;

    private readonly BpfFileDescriptor _fd;

    private KernelTestProgram(BpfFileDescriptor fd) => _fd = fd;

    /// <summary>Verifies and loads <paramref name="program"/> as a socket filter with the license "GPL".</summary>
    /// <param name="program">The instructions.</param>
    /// <param name="name">The program name the kernel shows (at most 15 characters kept).</param>
    /// <exception cref="KernelErrorException">The kernel refused the program; a verifier rejection carries the log.</exception>
    public static KernelTestProgram Load(Bytecode program, string name = "ebpf_net") =>
        Load(program, Ebpf.ProgramTypes.KnownProgramTypes.SocketFilter, name);

    /// <summary>Verifies and loads <paramref name="program"/> as a program of <paramref name="type"/> with the license "GPL".</summary>
    /// <exception cref="KernelErrorException">The kernel refused the program; a verifier rejection carries the log.</exception>
    public static KernelTestProgram Load(Bytecode program, Ebpf.ProgramTypes.ProgramType type, string name = "ebpf_net") =>
        Load(program, type, null, name);

    /// <summary>
    /// Verifies and loads <paramref name="program"/> as a program of <paramref name="type"/> with the expected attach
    /// type <paramref name="expectedAttachType"/> (which some types' context rules depend on) and the license "GPL".
    /// </summary>
    /// <exception cref="KernelErrorException">The kernel refused the program; a verifier rejection carries the log.</exception>
    public static KernelTestProgram Load(Bytecode program, Ebpf.ProgramTypes.ProgramType type, AttachTypeId? expectedAttachType, string name = "ebpf_net")
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(type);
        if (type.KernelId < 0) throw new ArgumentException($"{type.Name} programs exist only in user space; the kernel cannot load them", nameof(type));
        return new KernelTestProgram(ProgramLoader.Load((ProgramTypeId)type.KernelId, program, "GPL", name, expectedAttachType));
    }

    /// <summary>Runs the program <paramref name="repeat"/> times on a packet holding <paramref name="data"/>.</summary>
    /// <param name="data">The packet, Ethernet header first; at least <see cref="MinimumDataLength"/> bytes.</param>
    /// <param name="repeat">How many times to run (the kernel reports the last return value and the mean time).</param>
    /// <exception cref="KernelErrorException">The kernel refused the run.</exception>
    public TestRunResult TestRun(byte[] data, int repeat = 1) => TestRunCalls.TestRun(_fd, data, repeat);

    /// <summary>
    /// Runs the program once on a packet with a context: <paramref name="contextIn"/> as <c>ctx_in</c> (null for
    /// none) and a <c>ctx_out</c> buffer of <paramref name="contextOutSize"/> bytes (0 for none).
    /// </summary>
    /// <exception cref="KernelErrorException">The kernel refused the run (its errno says why).</exception>
    public TestRunResult TestRun(byte[] data, byte[]? contextIn, int contextOutSize, int repeat = 1) =>
        TestRunCalls.TestRun(_fd, data, contextIn, contextOutSize, repeat);

    /// <summary>
    /// Runs a context-only program (a raw tracepoint) once with <paramref name="contextIn"/> as its context: no data,
    /// no context out, no repeat, as <c>bpf_prog_test_run_raw_tp</c> demands.
    /// </summary>
    /// <exception cref="KernelErrorException">The kernel refused the run (its errno says why).</exception>
    public TestRunResult TestRunContext(byte[] contextIn) => TestRunCalls.TestRunContext(_fd, contextIn);

    /// <summary>Closes the program's file descriptor, which unloads it.</summary>
    public void Dispose() => _fd.Dispose();
}
