using System.Diagnostics;

namespace Ebpf.Linux.Tests.Capture;

/// <summary>
/// Test-only: a network namespace holding a veth pair (<see cref="Inside"/> ↔ <see cref="Outside"/>, both up, IPv6
/// off so the kernel sends nothing of its own), created with <c>ip</c> and deleted on dispose.
/// </summary>
internal sealed class VethNamespace : IDisposable
{
    public const string Inside = "ebpf0", Outside = "ebpf1";

    private VethNamespace(string name) => Name = name;

    public string Name { get; }

    /// <summary>Creates the namespace, or returns null with the reason when this machine does not allow it.</summary>
    public static VethNamespace? TryCreate(out string reason)
    {
        string name = $"ebpf-test-{Environment.ProcessId}-{Random.Shared.Next(100000)}";
        if (!File.Exists("/usr/sbin/ip") && !File.Exists("/usr/bin/ip") && !File.Exists("/sbin/ip"))
        {
            reason = "the ip tool (iproute2) is not installed";
            return null;
        }
        if (Ip("netns", "add", name) is { } failed)
        {
            reason = $"ip netns add failed (root is needed): {failed}";
            return null;
        }
        var created = new VethNamespace(name);
        string? error = Ip("-n", name, "link", "add", Inside, "type", "veth", "peer", "name", Outside)
            ?? Ip("netns", "exec", name, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
            ?? Ip("netns", "exec", name, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1")
            ?? Ip("-n", name, "link", "set", Inside, "up")
            ?? Ip("-n", name, "link", "set", Outside, "up");
        if (error is not null)
        {
            created.Dispose();
            reason = $"setting up the veth pair failed: {error}";
            return null;
        }
        reason = "";
        return created;
    }

    /// <summary>Runs <c>ip</c>; null on success, else what it printed.</summary>
    private static string? Ip(params string[] arguments)
    {
        var start = new ProcessStartInfo("ip", arguments) { RedirectStandardError = true, RedirectStandardOutput = true };
        try
        {
            using var process = Process.Start(start)!;
            string errors = process.StandardError.ReadToEnd();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null : $"ip {string.Join(' ', arguments)}: {errors.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return e.Message;
        }
    }

    public void Dispose() => Ip("netns", "del", Name);
}
