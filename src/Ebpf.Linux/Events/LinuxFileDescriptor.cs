using System.Runtime.InteropServices;
using Ebpf.Linux.Syscalls;

namespace Ebpf.Linux.Events;

/// <summary>
/// A file descriptor that is not a bpf object (perf event, epoll, eventfd, directory); closing works as for every
/// <see cref="FileDescriptorHandle"/>.
/// </summary>
internal sealed partial class LinuxFileDescriptor : FileDescriptorHandle
{
    /// <summary>Takes ownership of <paramref name="fd"/>.</summary>
    public LinuxFileDescriptor(int fd) : base(fd)
    {
    }

    /// <summary>Opens <paramref name="path"/> read-only (O_CLOEXEC, plus O_DIRECTORY when asked); errno on failure.</summary>
    public static int TryOpen(string path, bool directory, out LinuxFileDescriptor? fd)
    {
        const int ReadOnlyCloseOnExec = 0x80000, Directory = 0x10000;
        int result = open(path, ReadOnlyCloseOnExec | (directory ? Directory : 0));
        if (result < 0)
        {
            fd = null;
            return Marshal.GetLastPInvokeError();
        }
        fd = new LinuxFileDescriptor(result);
        return 0;
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);
}
