using System.Globalization;

namespace Ebpf.Runtime;

/// <summary>
/// The identity of the calling host thread, read once per thread. On Linux from procfs (no native calls):
/// <c>/proc/thread-self</c> names the thread id, <c>/proc/self/status</c> the real uid and gid,
/// <c>/proc/thread-self/comm</c> the name the kernel itself reports.
/// </summary>
internal static class HostTask
{
    [ThreadStatic] private static TaskIdentity? t_current;

    public static TaskIdentity Current() => t_current ??= Read();

    private static TaskIdentity Read()
    {
        int process = Environment.ProcessId;
        try
        {
            if (OperatingSystem.IsLinux())
            {
                // "/proc/thread-self" links to "<pid>/task/<tid>".
                string link = new FileInfo("/proc/thread-self").LinkTarget ?? throw new IOException("/proc/thread-self is not a link");
                int thread = int.Parse(link[(link.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);
                string comm = File.ReadAllText("/proc/thread-self/comm").TrimEnd('\n');
                var status = File.ReadAllLines("/proc/self/status");
                return new TaskIdentity(process, thread, RealId(status, "Uid:"), RealId(status, "Gid:"), comm);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // procfs unavailable (a sandbox): fall through to what .NET knows.
        }
        return new TaskIdentity(process, Environment.CurrentManagedThreadId, 0, 0, ProcessName());
    }

    /// <summary>The first (real) id of a "Uid:" or "Gid:" line: "Uid:\t1000\t1000\t1000\t1000".</summary>
    private static uint RealId(string[] status, string key)
    {
        string line = status.First(l => l.StartsWith(key, StringComparison.Ordinal));
        return uint.Parse(line[key.Length..].Split('\t', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
    }

    private static string ProcessName()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return self.ProcessName;
    }
}
