using System.Text;

namespace Ebpf.Runtime;

/// <summary>
/// The task a program runs "in" as <c>bpf_get_current_pid_tgid</c>, <c>_uid_gid</c> and <c>_comm</c> report it: in the
/// kernel, the thread that triggered the program. Hosts set one on <see cref="RunContext.Task"/>; without one, runs
/// report the host thread that runs them, as a kernel test run reports the thread that called <c>bpf()</c>.
/// </summary>
/// <param name="ProcessId">The thread group id (the kernel's <c>tgid</c>, user space's process id).</param>
/// <param name="ThreadId">The thread id (the kernel's <c>pid</c>).</param>
/// <param name="UserId">The real user id.</param>
/// <param name="GroupId">The real group id.</param>
/// <param name="Command">The task's name; the kernel keeps at most 15 bytes of it (TASK_COMM_LEN - 1).</param>
public sealed record TaskIdentity(int ProcessId, int ThreadId, uint UserId, uint GroupId, string Command)
{
    /// <summary>TASK_COMM_LEN: the size of the kernel's <c>comm</c> buffer, NUL included.</summary>
    public const int CommandCapacity = 16;

    /// <summary>The identity of the calling host thread: process and thread id, user and group, and the thread's name as the OS shows it.</summary>
    public static TaskIdentity OfCurrentThread() => HostTask.Current();

    /// <summary>The command as the kernel stores it: at most 15 bytes of UTF-8 (the NUL is added by readers).</summary>
    public byte[] CommandBytes()
    {
        var bytes = Encoding.UTF8.GetBytes(Command);
        return bytes.Length < CommandCapacity ? bytes : bytes[..(CommandCapacity - 1)];
    }
}
