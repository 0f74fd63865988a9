using System.Diagnostics;
using System.Runtime.InteropServices;
using Ebpf.Maps;
using Ebpf.ProgramTypes;
using Ebpf.Runtime;

namespace Ebpf.TestRuns;

/// <summary>
/// Test runs without a packet: raw tracepoints (the kernel's <c>bpf_prog_test_run_raw_tp</c>: arguments in, return
/// value out), and types whose context the host supplies (tracepoint records, kprobe registers, socket contexts,
/// host events) or whose context is plain memory (raw).
/// </summary>
internal static unsafe class ContextOnlyRun
{
    public static TestRunResult Run(IExecutableProgram program, ProgramType type, TestRunInput input)
    {
        byte[] bytes = Input(type, input);
        int regionSize = type.Input switch
        {
            ContextInput.HostSupplied when type.Layout == ContextLayout.Fields => type.ContextSize,
            _ => bytes.Length,
        };
        byte* memory = (byte*)NativeMemory.AllocZeroed((nuint)Math.Max(regionSize, 8));
        try
        {
            bytes.CopyTo(new Span<byte>(memory, bytes.Length));
            var context = input.Context ?? new RunContext();
            context.Clear();
            context.ProcessorSlot = input.ProcessorSlot;
            using var release = new TestRunner.ClearOnExit(context);   // no region of the context outlives the memory
            if (type.Input == ContextInput.Memory)
            {
                context.ResetForMemory((nint)memory, regionSize);
            }
            else if (regionSize > 0)
            {
                bool writable = type.Fields.Any(f => f.Writable);
                context.AddRegion((nint)memory, regionSize, writable, "context");
                context.R1 = (ulong)memory;
                context.ContextAddress = (ulong)memory;
            }
            // A raw tracepoint given no arguments gets a null context, as in the kernel.

            int repeat = type.Input == ContextInput.RawTracepointArgs ? 1 : Math.Max(1, input.Repeat);
            ulong r0 = 0;
            long started = Stopwatch.GetTimestamp();
            for (int i = 0; i < repeat; i++) r0 = program.Run(context);
            long duration = type.Input == ContextInput.RawTracepointArgs ? 0 : (long)(Stopwatch.GetElapsedTime(started).TotalNanoseconds / repeat);

            byte[]? contextOut = type.Input == ContextInput.RawTracepointArgs ? null : new ReadOnlySpan<byte>(memory, regionSize).ToArray();
            return new TestRunResult((uint)r0, [], duration) { ContextOut = contextOut };
        }
        finally
        {
            NativeMemory.Free(memory);
        }
    }

    /// <summary>The context bytes of the run, refusing what the kernel (or, for host types, the descriptor) refuses.</summary>
    private static byte[] Input(ProgramType type, TestRunInput input)
    {
        switch (type.Input)
        {
            case ContextInput.RawTracepointArgs:
                // bpf_prog_test_run_raw_tp: no data in or out, no ctx_out, no repeat; at most 12 arguments.
                if (input.Data.Length > 0) throw Invalid(type, "takes no packet data: give the arguments as the context");
                if (input.ContextOut) throw Invalid(type, "gives no context back (the kernel refuses ctx_out)");
                if (input.Repeat > 1) throw Invalid(type, "cannot be repeated (the kernel refuses a repeat count)");
                byte[] args = input.ContextIn ?? [];
                if (args.Length > type.ContextSize)
                    throw Invalid(type, $"takes at most {TracingContexts.MaxRawTracepointArgs} arguments ({type.ContextSize} bytes), not {args.Length} bytes");
                return args;
            case ContextInput.Memory:
                if (input.Data.Length > 0 && input.ContextIn is { Length: > 0 })
                    throw Invalid(type, "takes one memory region: give it as the data or as the context, not both");
                return input.ContextIn is { Length: > 0 } memory ? memory : input.Data;
            default:
                if (input.Data.Length > 0)
                    throw Invalid(type, "takes no packet data: its context is the whole input");
                byte[] ctx = input.ContextIn ?? [];
                if (ctx.Length > type.ContextSize)
                    throw Invalid(type, $"takes a context of at most {type.ContextSize} bytes, not {ctx.Length}");
                return ctx;
        }
    }

    private static TestRunException Invalid(ProgramType type, string why) => new(Errno.EINVAL, $"a {type.Name} test run {why}");
}
