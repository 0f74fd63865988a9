using Ebpf.Linux.Syscalls;

namespace Ebpf.Linux.Programs;

/// <summary>The <c>BPF_PROG_TEST_RUN</c> calls shared by <see cref="KernelTestProgram"/> and <c>KernelProgram</c>.</summary>
internal static class TestRunCalls
{
    /// <summary>Runs the program <paramref name="repeat"/> times on a packet holding <paramref name="data"/>.</summary>
    /// <param name="fd">The loaded program.</param>
    /// <param name="data">The packet, Ethernet header first; at least <see cref="KernelTestProgram.MinimumDataLength"/> bytes.</param>
    /// <param name="repeat">How many times to run (the kernel reports the last return value and the mean time).</param>
    /// <exception cref="KernelErrorException">The kernel refused the run.</exception>
    public static unsafe TestRunResult TestRun(BpfFileDescriptor fd, byte[] data, int repeat = 1)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length < KernelTestProgram.MinimumDataLength)
            throw new ArgumentException(
                $"a packet test run needs at least {KernelTestProgram.MinimumDataLength} bytes of data (an Ethernet header), got {data.Length}",
                nameof(data));
        ArgumentOutOfRangeException.ThrowIfLessThan(repeat, 1);

        // The run hands the packet back unchanged in size; the headroom only guards against a kernel that differs.
        var dataOut = new byte[data.Length + 256];
        fixed (byte* input = data)
        fixed (byte* output = dataOut)
        {
            var attr = new BpfAttrProgramTestRun
            {
                ProgramFd = fd.AsAttrField,
                DataSizeIn = (uint)data.Length,
                DataIn = (ulong)input,
                DataSizeOut = (uint)dataOut.Length,
                DataOut = (ulong)output,
                Repeat = (uint)repeat,
            };
            BpfSyscall.Invoke(BpfCommand.ProgramTestRun, ref attr);
            return new TestRunResult(attr.ReturnValue, attr.Duration, dataOut.AsSpan(0, (int)attr.DataSizeOut).ToArray());
        }
    }

    /// <summary>
    /// Runs the program once on a packet with a context: <paramref name="contextIn"/> as <c>ctx_in</c> (null for
    /// none) and a <c>ctx_out</c> buffer of <paramref name="contextOutSize"/> bytes (0 for none).
    /// </summary>
    /// <exception cref="KernelErrorException">The kernel refused the run (its errno says why).</exception>
    public static unsafe TestRunResult TestRun(BpfFileDescriptor fd, byte[] data, byte[]? contextIn, int contextOutSize, int repeat = 1)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(contextOutSize);
        var dataOut = new byte[data.Length + 256];
        var contextOut = new byte[Math.Max(contextOutSize, 1)];
        fixed (byte* input = data)
        fixed (byte* output = dataOut)
        fixed (byte* ctxIn = contextIn)
        fixed (byte* ctxOut = contextOut)
        {
            var attr = new BpfAttrProgramTestRun
            {
                ProgramFd = fd.AsAttrField,
                DataSizeIn = (uint)data.Length,
                DataIn = data.Length == 0 ? 0 : (ulong)input,
                DataSizeOut = (uint)dataOut.Length,
                DataOut = (ulong)output,
                Repeat = (uint)repeat,
                ContextSizeIn = (uint)(contextIn?.Length ?? 0),
                ContextIn = contextIn is null ? 0 : (ulong)ctxIn,
                ContextSizeOut = (uint)contextOutSize,
                ContextOut = contextOutSize == 0 ? 0 : (ulong)ctxOut,
            };
            BpfSyscall.Invoke(BpfCommand.ProgramTestRun, ref attr);
            return new TestRunResult(attr.ReturnValue, attr.Duration, dataOut.AsSpan(0, (int)attr.DataSizeOut).ToArray())
            {
                ContextOut = contextOutSize == 0 ? null : contextOut.AsSpan(0, (int)attr.ContextSizeOut).ToArray(),
            };
        }
    }

    /// <summary>
    /// Runs a context-only program (a raw tracepoint) once with <paramref name="contextIn"/> as its context: no data,
    /// no context out, no repeat, as <c>bpf_prog_test_run_raw_tp</c> demands.
    /// </summary>
    /// <exception cref="KernelErrorException">The kernel refused the run (its errno says why).</exception>
    public static unsafe TestRunResult TestRunContext(BpfFileDescriptor fd, byte[] contextIn)
    {
        ArgumentNullException.ThrowIfNull(contextIn);
        fixed (byte* ctxIn = contextIn)
        {
            var attr = new BpfAttrProgramTestRun
            {
                ProgramFd = fd.AsAttrField,
                ContextSizeIn = (uint)contextIn.Length,
                ContextIn = contextIn.Length == 0 ? 0 : (ulong)ctxIn,
            };
            BpfSyscall.Invoke(BpfCommand.ProgramTestRun, ref attr);
            return new TestRunResult(attr.ReturnValue, attr.Duration, []);
        }
    }
}
