using System.Runtime.InteropServices;

namespace Ebpf.Linux.Links;

/// <summary>Network interface names to indexes (<c>if_nametoindex</c>) in the calling thread's network namespace.</summary>
internal static partial class NetworkInterfaces
{
    /// <summary>The index of <paramref name="name"/>.</summary>
    /// <exception cref="AttachException">There is no such interface here.</exception>
    public static int IndexOf(string name, string hook, string? networkNamespace)
    {
        if (string.IsNullOrEmpty(name) || name.Length >= 16)
            throw new AttachException(hook, "if_nametoindex", Errno.ENODEV, $"'{name}' is not an interface name (1 to 15 characters)");
        uint index = if_nametoindex(name);
        if (index == 0)
        {
            string where = networkNamespace is null ? "this network namespace" : $"network namespace '{networkNamespace}'";
            string list = networkNamespace is null ? "`ip link`" : $"`ip -n {networkNamespace} link`";
            throw new AttachException(hook, $"if_nametoindex({name})", Marshal.GetLastPInvokeError(), $"there is no interface '{name}' in {where}: {list} lists them");
        }
        return (int)index;
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial uint if_nametoindex(string name);
}
