using Ebpf.Linux.Links;

namespace Ebpf.Linux.Tests.Links;

/// <summary>Finding tracefs: the first mounted candidate wins; none mounted and no right to mount gives the mount command.</summary>
public class TracefsTests
{
    [Fact]
    public void A_directory_with_events_is_the_root()
    {
        string root = Directory.CreateTempSubdirectory("tracefs").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "events"));
            Assert.Equal(root, Tracefs.Find("tracepoint 'a/b'", ["/nonexistent/tracing", root], mayMount: false));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Without_tracefs_and_without_the_right_to_mount_it_the_error_gives_the_mount_command()
    {
        var error = Assert.Throws<AttachException>(() => Tracefs.Find("tracepoint 'sched/sched_process_exec'", ["/nonexistent/tracing"], mayMount: false));
        Assert.Equal("attaching to tracepoint 'sched/sched_process_exec': finding tracefs failed: tracefs is not mounted at /nonexistent/tracing: " +
                     "mount it with `mount -t tracefs tracefs /sys/kernel/tracing` as root", error.Message);
    }
}
