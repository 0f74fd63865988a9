using System.Runtime.InteropServices;

namespace Ebpf.Linux.Events;

/// <summary>
/// A shared <c>mmap</c> of a kernel object's fd (ring buffer, perf event). Disposing it unmaps the memory once no reader
/// that borrowed it (<see cref="SafeHandle.DangerousAddRef"/>) is still inside it, so it is never touched after unmapping.
/// </summary>
internal sealed unsafe partial class MemoryMapping : SafeHandle
{
    private const int ProtectionRead = 1, ProtectionWrite = 2, MapShared = 1;

    private MemoryMapping(nint address, long length) : base(invalidHandleValue: -1, ownsHandle: true)
    {
        SetHandle(address);
        Length = length;
    }

    /// <summary>The mapped length in bytes.</summary>
    public long Length { get; }

    /// <summary>The first byte (valid while the mapping is open).</summary>
    public byte* Start => (byte*)handle;

    /// <inheritdoc />
    public override bool IsInvalid => handle == -1;

    /// <summary>Maps <paramref name="length"/> bytes of <paramref name="fd"/> from <paramref name="offset"/>; errno on failure.</summary>
    public static int TryMap(int fd, long length, long offset, bool writable, out MemoryMapping? mapping)
    {
        nint address = mmap(0, (nuint)length, ProtectionRead | (writable ? ProtectionWrite : 0), MapShared, fd, offset);
        if (address == -1)
        {
            mapping = null;
            return Marshal.GetLastPInvokeError();
        }
        mapping = new MemoryMapping(address, length);
        return 0;
    }

    /// <summary>The size of a memory page, the unit of every mapping.</summary>
    public static int PageSize { get; } = Environment.SystemPageSize;

    /// <inheritdoc />
    protected override bool ReleaseHandle() => munmap(handle, (nuint)Length) == 0;

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int munmap(nint address, nuint length);
}
