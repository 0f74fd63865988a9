using Ebpf.Linux.Syscalls;

namespace Ebpf.Linux.Kernel;

/// <summary>A BTF object the kernel holds (<c>struct bpf_btf_info</c>), as <c>bpftool btf show</c> lists it.</summary>
/// <param name="Id">The BTF id (what programs' and maps' <c>btf_id</c> refer to).</param>
/// <param name="Name">The name: "vmlinux" or a module's for kernel BTF, "" for BTF a loader gave.</param>
/// <param name="Size">The size of the BTF blob in bytes.</param>
/// <param name="IsKernel">Whether it is the kernel's or a module's own BTF.</param>
public sealed record KernelBtfInfo(uint Id, string Name, uint Size, bool IsKernel)
{
    /// <summary>Every BTF object the kernel has now, by id.</summary>
    public static unsafe IReadOnlyList<KernelBtfInfo> All()
    {
        var all = new List<KernelBtfInfo>();
        foreach (uint id in KernelObjects.Ids(BpfCommand.BtfGetNextId))
        {
            using var fd = KernelObjects.OpenById(BpfCommand.BtfGetFdById, id);
            if (fd is null) continue;
            var name = new byte[64];
            // struct bpf_btf_info: btf (u64), btf_size, id, name (u64), name_len, kernel_btf.
            var buffer = new byte[32];
            fixed (byte* namePointer = name)
            fixed (byte* info = buffer)
            {
                *(ulong*)(info + 16) = (ulong)namePointer;
                *(uint*)(info + 24) = (uint)name.Length;
                KernelObjects.GetInfo(fd, info, 32);
                all.Add(new KernelBtfInfo(*(uint*)(info + 12), ObjectNames.Read(name), *(uint*)(info + 8), *(uint*)(info + 28) != 0));
            }
        }
        return all;
    }
}
