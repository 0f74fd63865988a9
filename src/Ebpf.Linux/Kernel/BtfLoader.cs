using Ebpf.Linux.Syscalls;

namespace Ebpf.Linux.Kernel;

/// <summary>Loads BTF into the kernel (<c>BPF_BTF_LOAD</c>), retrying with the kernel's BTF log when it is refused.</summary>
internal static unsafe class BtfLoader
{
    /// <summary>Loads <paramref name="blob"/> and returns the BTF object's fd.</summary>
    /// <exception cref="KernelErrorException">The kernel refused the BTF; the message carries its log.</exception>
    public static BpfFileDescriptor Load(byte[] blob, string what)
    {
        fixed (byte* data = blob)
        {
            var attr = new BpfAttrBtfLoad { Btf = (ulong)data, BtfSize = (uint)blob.Length };
            int errno = BpfSyscall.TryInvoke(BpfCommand.BtfLoad, ref attr, out int fd);
            if (errno == 0) return new BpfFileDescriptor(fd);
            if (errno is not (Errno.EINVAL or Errno.EPERM or Errno.EACCES or Errno.E2BIG))
                throw new KernelErrorException(BpfCommand.BtfLoad, errno, detail: what);
            var log = new byte[1 << 20];
            fixed (byte* logPointer = log)
            {
                attr = new BpfAttrBtfLoad { Btf = (ulong)data, BtfSize = (uint)blob.Length, LogBuffer = (ulong)logPointer, LogSize = (uint)log.Length, LogLevel = 1 };
                errno = BpfSyscall.TryInvoke(BpfCommand.BtfLoad, ref attr, out fd);
            }
            if (errno == 0) return new BpfFileDescriptor(fd);
            int end = Array.IndexOf(log, (byte)0);
            string text = System.Text.Encoding.UTF8.GetString(log, 0, end < 0 ? log.Length : end).TrimEnd();
            throw new KernelErrorException(BpfCommand.BtfLoad, errno, detail: text.Length == 0 ? what : $"{what} (BTF log: {LastLines(text, 4)})");
        }
    }

    private static string LastLines(string text, int count) => string.Join(" | ", text.Split('\n').TakeLast(count));
}
