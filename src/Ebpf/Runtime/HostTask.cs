using System.Runtime.InteropServices;

namespace Ebpf.Runtime;

/// <summary>The identity of the calling host thread, read from the OS once per thread (Linux: gettid, getuid, /proc comm).</summary>
internal static partial class HostTask
{
    [ThreadStatic] private static TaskIdentity? t_current;

    public static TaskIdentity Current() => t_current ??= Read();

    private static TaskIdentity Read()
    {
        int process = Environment.ProcessId;
        if (!OperatingSystem.IsLinux())
            return new TaskIdentity(process, Environment.CurrentManagedThreadId, 0, 0, ProcessName());
        string comm;
        try
        {
            comm = File.ReadAllText("/proc/thread-self/comm").TrimEnd('\n');
        }
        catch (IOException)
        {
            comm = ProcessName();
        }
        catch (UnauthorizedAccessException)
        {
            comm = ProcessName();
        }
        return new TaskIdentity(process, GetThreadId(), GetUserId(), GetGroupId(), comm);
    }

    private static string ProcessName()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return self.ProcessName;
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetThreadId();

    [LibraryImport("libc", EntryPoint = "getuid")]
    private static partial uint GetUserId();

    [LibraryImport("libc", EntryPoint = "getgid")]
    private static partial uint GetGroupId();
}
