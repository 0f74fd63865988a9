namespace Ebpf.Maps;

/// <summary>The Linux error numbers (asm-generic/errno*.h) that map operations and the bpf() system call return (negated by helpers, positive in <see cref="MapException.Errno"/>).</summary>
public static class Errno
{
    /// <summary>Operation not permitted.</summary>
    public const int EPERM = 1;
    /// <summary>No such element.</summary>
    public const int ENOENT = 2;
    /// <summary>Too big: the map is full, or a size or index is beyond its limit.</summary>
    public const int E2BIG = 7;
    /// <summary>Bad file descriptor: a map or program reference that names nothing.</summary>
    public const int EBADF = 9;
    /// <summary>Try again: no room right now (ring buffer output).</summary>
    public const int EAGAIN = 11;
    /// <summary>Out of memory.</summary>
    public const int ENOMEM = 12;
    /// <summary>Bad address.</summary>
    public const int EFAULT = 14;
    /// <summary>Permission denied.</summary>
    public const int EACCES = 13;

    /// <summary>Busy.</summary>
    public const int EBUSY = 16;
    /// <summary>The element exists.</summary>
    public const int EEXIST = 17;
    /// <summary>No such device (a test run naming an interface that does not exist).</summary>
    public const int ENODEV = 19;
    /// <summary>Not a directory (a pin path whose parent is not a directory).</summary>
    public const int ENOTDIR = 20;
    /// <summary>Invalid argument.</summary>
    public const int EINVAL = 22;
    /// <summary>No space left (LPM trie full).</summary>
    public const int ENOSPC = 28;
    /// <summary>Result out of range (string to number conversion).</summary>
    public const int ERANGE = 34;
    /// <summary>Function not implemented (no bpf() system call).</summary>
    public const int ENOSYS = 38;
    /// <summary>Operation not supported (POSIX value).</summary>
    public const int EOPNOTSUPP = 95;
    /// <summary>Operation not supported (the kernel-internal value 524 that bpf() returns for some map operations).</summary>
    public const int ENOTSUPP = 524;

    /// <summary>The symbolic name of an error number ("ENOENT"), or "errno N" for one not listed here.</summary>
    public static string Name(int errno) => errno switch
    {
        EPERM => "EPERM",
        ENOENT => "ENOENT",
        E2BIG => "E2BIG",
        EBADF => "EBADF",
        EAGAIN => "EAGAIN",
        ENOMEM => "ENOMEM",
        EACCES => "EACCES",
        EFAULT => "EFAULT",
        EBUSY => "EBUSY",
        EEXIST => "EEXIST",
        ENODEV => "ENODEV",
        ENOTDIR => "ENOTDIR",
        ENOSYS => "ENOSYS",
        EINVAL => "EINVAL",
        ENOSPC => "ENOSPC",
        ERANGE => "ERANGE",
        EOPNOTSUPP => "EOPNOTSUPP",
        ENOTSUPP => "ENOTSUPP",
        _ => $"errno {errno}",
    };
}
