using System.Runtime.InteropServices;

namespace Ebpf.Linux.Links;

/// <summary>
/// The tracing file system, where each tracepoint has an id (<c>events/CATEGORY/NAME/id</c>). It is looked for at
/// /sys/kernel/tracing and /sys/kernel/debug/tracing; when neither is mounted and the process is root, it is mounted at
/// /sys/kernel/tracing.
/// </summary>
internal static partial class Tracefs
{
    private const string Mount = "/sys/kernel/tracing", Legacy = "/sys/kernel/debug/tracing";
    private static readonly object Gate = new();

    /// <summary>The tracefs root, mounting it when needed and allowed.</summary>
    /// <exception cref="AttachException">tracefs is not mounted and cannot be mounted here.</exception>
    public static string Root(string hook) => Find(hook, [Mount, Legacy], mayMount: geteuid() == 0);

    /// <summary>The first of <paramref name="candidates"/> that holds tracefs events; else, when <paramref name="mayMount"/>, tracefs mounted at /sys/kernel/tracing.</summary>
    /// <exception cref="AttachException">None holds it and it cannot be mounted.</exception>
    internal static string Find(string hook, IReadOnlyList<string> candidates, bool mayMount)
    {
        lock (Gate)
        {
            foreach (var root in candidates)
            {
                if (Directory.Exists(Path.Combine(root, "events"))) return root;
            }
            const string how = "mount it with `mount -t tracefs tracefs /sys/kernel/tracing` as root";
            if (!mayMount)
                throw new AttachException(hook, "finding tracefs", 0, $"tracefs is not mounted at {string.Join(" or ", candidates)}: {how}");
            if (mount("tracefs", Mount, "tracefs", 0, 0) != 0)
                throw new AttachException(hook, $"mount(tracefs, {Mount})", Marshal.GetLastPInvokeError(),
                    $"tracefs is not mounted and mounting it failed (a container may forbid it): {how} on the host, or bind-mount it in");
            return Mount;
        }
    }

    /// <summary>The id of tracepoint <paramref name="category"/>/<paramref name="name"/>.</summary>
    /// <exception cref="AttachException">No such tracepoint, or its id cannot be read.</exception>
    public static ulong EventId(string category, string name, string hook)
    {
        string root = Root(hook);
        string path = Path.Combine(root, "events", category, name, "id");
        try
        {
            return ulong.Parse(File.ReadAllText(path).Trim());
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new AttachException(hook, $"reading {path}", Errno.ENOENT,
                $"there is no tracepoint '{category}/{name}': {root}/available_events lists them as category:name", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new AttachException(hook, $"reading {path}", Errno.EACCES, "tracefs is readable by root only: run as root", e);
        }
        catch (FormatException e)
        {
            throw new AttachException(hook, $"reading {path}", 0, "the file does not hold a tracepoint id", e);
        }
    }

    [LibraryImport("libc")]
    private static partial uint geteuid();

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mount(string source, string target, string type, nuint flags, nint data);
}
