using System.Runtime.InteropServices;

namespace Ebpf.Linux.Tests.Links;

/// <summary>
/// Test-only: runs code on a dedicated thread whose effective capabilities are all dropped (capset is per thread in
/// Linux), so a root test process can see what an unprivileged caller gets. The thread ends afterwards.
/// </summary>
internal static unsafe partial class WithoutCapabilities
{
    private const uint Version3 = 0x20080522; // _LINUX_CAPABILITY_VERSION_3: two 32-bit data words

    public static T Run<T>(Func<T> action)
    {
        T? result = default;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                var header = stackalloc uint[2] { Version3, 0 };
                var data = stackalloc uint[6]; // two { effective, permitted, inheritable }
                if (capget(header, data) != 0) throw new InvalidOperationException($"capget failed: errno {Marshal.GetLastPInvokeError()}");
                data[0] = 0; // effective, low word
                data[3] = 0; // effective, high word
                if (capset(header, data) != 0) throw new InvalidOperationException($"capset failed: errno {Marshal.GetLastPInvokeError()}");
                result = action();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null) throw failure;
        return result!;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int capget(uint* header, uint* data);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int capset(uint* header, uint* data);
}
