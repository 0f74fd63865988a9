using System.Text;
using Ebpf.Linux.Syscalls;

namespace Ebpf.Linux.Kernel;

/// <summary>The <c>bpf()</c> commands common to programs, maps, links and BTF: get-info, pin, open pinned, id iteration.</summary>
internal static unsafe class KernelObjects
{
    /// <summary>BPF_OBJ_GET_INFO_BY_FD for a map.</summary>
    public static BpfMapInfo MapInfo(BpfFileDescriptor fd)
    {
        var info = new BpfMapInfo();
        GetInfo(fd, &info, sizeof(BpfMapInfo));
        return info;
    }

    /// <summary>BPF_OBJ_GET_INFO_BY_FD for a program, with its map ids when <paramref name="mapIds"/> has room for them.</summary>
    public static BpfProgramInfo ProgramInfo(BpfFileDescriptor fd, uint[]? mapIds = null)
    {
        var info = new BpfProgramInfo();
        fixed (uint* ids = mapIds)
        {
            if (mapIds is { Length: > 0 })
            {
                info.MapIdCount = (uint)mapIds.Length;
                info.MapIds = (ulong)ids;
            }
            GetInfo(fd, &info, sizeof(BpfProgramInfo));
        }
        return info;
    }

    /// <summary>BPF_OBJ_GET_INFO_BY_FD for a link.</summary>
    public static BpfLinkInfo LinkInfo(BpfFileDescriptor fd)
    {
        var info = new BpfLinkInfo();
        GetInfo(fd, &info, sizeof(BpfLinkInfo));
        return info;
    }

    /// <summary>The id of a BTF object (the second word of <c>struct bpf_btf_info</c>).</summary>
    public static uint BtfInfoId(BpfFileDescriptor fd)
    {
        var info = stackalloc uint[8];
        GetInfo(fd, info, 32);
        return info[3];
    }

    public static void GetInfo(BpfFileDescriptor fd, void* info, int size)
    {
        var attr = new BpfAttrObjectInfo { BpfFd = fd.AsAttrField, InfoLength = (uint)size, Info = (ulong)info };
        BpfSyscall.Invoke(BpfCommand.ObjectGetInfoByFd, ref attr);
    }

    /// <summary>The zero-terminated name in a map info.</summary>
    public static string NameOf(in BpfMapInfo info)
    {
        fixed (byte* name = info.Name) return ObjectNames.Read(new ReadOnlySpan<byte>(name, 16));
    }

    /// <summary>The zero-terminated name in a program info.</summary>
    public static string NameOf(in BpfProgramInfo info)
    {
        fixed (byte* name = info.Name) return ObjectNames.Read(new ReadOnlySpan<byte>(name, 16));
    }

    /// <summary>BPF_OBJ_PIN: pins <paramref name="fd"/> at <paramref name="path"/>, which must lie in a bpf file system.</summary>
    public static void Pin(BpfFileDescriptor fd, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = PathBytes(path);
        fixed (byte* pathPointer = bytes)
        {
            var attr = new BpfAttrObjectPin { PathName = (ulong)pathPointer, BpfFd = fd.AsAttrField };
            int errno = BpfSyscall.TryInvoke(BpfCommand.ObjectPin, ref attr, out _);
            if (errno != 0) throw new KernelErrorException(BpfCommand.ObjectPin, errno, detail: PinDetail(path, errno));
        }
    }

    /// <summary>BPF_OBJ_GET: opens the object pinned at <paramref name="path"/>.</summary>
    public static BpfFileDescriptor OpenPinned(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = PathBytes(path);
        fixed (byte* pathPointer = bytes)
        {
            var attr = new BpfAttrObjectPin { PathName = (ulong)pathPointer };
            int errno = BpfSyscall.TryInvoke(BpfCommand.ObjectGet, ref attr, out int fd);
            if (errno != 0) throw new KernelErrorException(BpfCommand.ObjectGet, errno, detail: PinDetail(path, errno));
            return new BpfFileDescriptor(fd);
        }
    }

    /// <summary>The ids of every object of one kind, by iterating a GET_NEXT_ID command from 0.</summary>
    public static IEnumerable<uint> Ids(BpfCommand getNextId)
    {
        uint id = 0;
        while (true)
        {
            var attr = new BpfAttrGetId { Id = id };
            int errno = BpfSyscall.TryInvoke(getNextId, ref attr, out _);
            if (errno == Errno.ENOENT) yield break;
            if (errno != 0) throw new KernelErrorException(getNextId, errno);
            id = attr.NextId;
            yield return id;
        }
    }

    /// <summary>Opens an object by id with a GET_FD_BY_ID command; null when the object went away meanwhile.</summary>
    public static BpfFileDescriptor? OpenById(BpfCommand getFdById, uint id)
    {
        var attr = new BpfAttrGetId { Id = id };
        int errno = BpfSyscall.TryInvoke(getFdById, ref attr, out int fd);
        if (errno == Errno.ENOENT) return null;
        if (errno != 0) throw new KernelErrorException(getFdById, errno, detail: $"id {id}");
        return new BpfFileDescriptor(fd);
    }

    private static byte[] PathBytes(string path)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    private static string PinDetail(string path, int errno) =>
        errno is Errno.EPERM or Errno.EINVAL or Errno.ENOENT && !IsInBpfFileSystem(path)
            ? $"'{path}' (not inside a mounted bpf file system: mount one with `mount -t bpf bpf /sys/fs/bpf`, and create the directory)"
            : $"'{path}'";

    private static bool IsInBpfFileSystem(string path)
    {
        try
        {
            string full = Path.GetFullPath(path);
            return File.ReadLines("/proc/self/mounts").Select(line => line.Split(' ')).Any(f => f.Length > 2 && f[2] == "bpf" && full.StartsWith(f[1].TrimEnd('/') + "/", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
    }
}
