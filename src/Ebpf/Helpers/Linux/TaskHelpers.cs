using Ebpf.Runtime;

namespace Ebpf.Helpers.Linux;

/// <summary>
/// The current-task helpers: they report <see cref="RunContext.Task"/>, or the host thread running the program
/// when the host set none (as a kernel test run reports the thread that called <c>bpf()</c>).
/// </summary>
public static class TaskHelpers
{
    /// <summary><c>u64 bpf_get_current_pid_tgid(void)</c>, id 14: <c>tgid &lt;&lt; 32 | pid</c> (process id high, thread id low).</summary>
    public static readonly HelperDescriptor GetCurrentPidTgid = new(14, "get_current_pid_tgid", (_, _, _, _, _, context) =>
    {
        var task = Current(context);
        return (ulong)(uint)task.ProcessId << 32 | (uint)task.ThreadId;
    });

    /// <summary><c>u64 bpf_get_current_uid_gid(void)</c>, id 15: <c>gid &lt;&lt; 32 | uid</c>.</summary>
    public static readonly HelperDescriptor GetCurrentUidGid = new(15, "get_current_uid_gid", (_, _, _, _, _, context) =>
    {
        var task = Current(context);
        return (ulong)task.GroupId << 32 | task.UserId;
    });

    /// <summary>
    /// <c>long bpf_get_current_comm(void *buf, u32 size_of_buf)</c>, id 16: the task's name, cut to <c>size - 1</c>
    /// bytes, NUL-terminated and zero-padded to <c>size</c> (the kernel's <c>strscpy_pad</c>); returns 0.
    /// </summary>
    public static readonly HelperDescriptor GetCurrentComm = new(16, "get_current_comm", (r1, r2, _, _, _, context) =>
    {
        var buffer = context.GetMemory(r1, (int)Math.Min((uint)r2, int.MaxValue), write: true);
        if (buffer.Length == 0) return 0;
        var name = Current(context).CommandBytes();
        int copied = Math.Min(name.Length, buffer.Length - 1);
        name.AsSpan(0, copied).CopyTo(buffer);
        buffer[copied..].Clear();
        return 0;
    });

    /// <summary>Every helper of this group.</summary>
    public static IReadOnlyList<HelperDescriptor> All { get; } = [GetCurrentPidTgid, GetCurrentUidGid, GetCurrentComm];

    private static TaskIdentity Current(RunContext context) => context.Task ?? TaskIdentity.OfCurrentThread();
}
