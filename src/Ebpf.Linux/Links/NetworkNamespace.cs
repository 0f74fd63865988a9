using System.Runtime.InteropServices;
using Ebpf.Linux.Events;

namespace Ebpf.Linux.Links;

/// <summary>
/// Runs code inside a network namespace that <c>ip netns</c> created (<c>/var/run/netns/NAME</c>). <c>setns</c> changes
/// only the calling thread, so the code runs on a dedicated thread that enters the namespace and then ends: no thread of
/// the process is left in another namespace. Objects made there (sockets, links on its interfaces) stay bound to it.
/// </summary>
internal static partial class NetworkNamespace
{
    private const int NewNetwork = 0x40000000; // CLONE_NEWNET

    /// <summary>Runs <paramref name="action"/> in namespace <paramref name="name"/>, or right here when it is null.</summary>
    /// <exception cref="AttachException">There is no such namespace, or this process may not enter it.</exception>
    public static T Run<T>(string? name, Func<T> action)
    {
        if (name is null) return action();
        T? result = default;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                Enter(name);
                result = action();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }) { Name = $"netns {name}" };
        thread.Start();
        thread.Join();
        if (failure is not null) throw failure;
        return result!;
    }

    private static void Enter(string name)
    {
        string path = Path.Combine("/var/run/netns", name);
        int errno = LinuxFileDescriptor.TryOpen(path, directory: false, out var fd);
        if (errno != 0)
            throw new AttachException($"network namespace '{name}'", $"open({path})", errno, "there is no such namespace: `ip netns list` shows them, `ip netns add NAME` makes one");
        using (fd)
        {
            if (setns(fd!.Value, NewNetwork) < 0)
                throw new AttachException($"network namespace '{name}'", "setns", Marshal.GetLastPInvokeError(), "entering a network namespace needs CAP_SYS_ADMIN: run as root");
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(int fd, int type);
}
