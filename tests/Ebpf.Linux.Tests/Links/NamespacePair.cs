using System.Diagnostics;
using System.Net;
using Ebpf.Linux.Links;

namespace Ebpf.Linux.Tests.Links;

/// <summary>
/// Test-only: two network namespaces joined by a veth pair, <see cref="Local"/> (<see cref="LocalInterface"/>,
/// 10.77.0.1/24) and <see cref="Remote"/> (<see cref="RemoteInterface"/>, 10.77.0.2/24), IPv6 off and static neighbour
/// entries on both sides, so that the only frames on the wire are the ones a test sends. Dispose deletes both
/// namespaces (and with them the veth pair and anything attached to it).
/// </summary>
internal sealed class NamespacePair : IDisposable
{
    public const string LocalInterface = "veth-l", RemoteInterface = "veth-r";
    public static readonly IPAddress LocalAddress = IPAddress.Parse("10.77.0.1"), RemoteAddress = IPAddress.Parse("10.77.0.2");

    private NamespacePair(string local, string remote)
    {
        Local = local;
        Remote = remote;
    }

    public string Local { get; }
    public string Remote { get; }

    /// <summary>Creates the pair, or returns null with the reason when this machine does not allow it.</summary>
    public static NamespacePair? TryCreate(out string reason)
    {
        string tag = $"{Environment.ProcessId}-{Random.Shared.Next(100000)}";
        var pair = new NamespacePair($"ebpf-l-{tag}", $"ebpf-r-{tag}");
        if (Ip("netns", "add", pair.Local) is { } failed)
        {
            reason = $"ip netns add failed (root and iproute2 are needed): {failed}";
            return null;
        }
        string? error = Ip("netns", "add", pair.Remote)
            ?? Ip("-n", pair.Local, "link", "add", LocalInterface, "type", "veth", "peer", "name", RemoteInterface, "netns", pair.Remote);
        foreach (var (ns, device, address) in new[] { (pair.Local, LocalInterface, LocalAddress), (pair.Remote, RemoteInterface, RemoteAddress) })
        {
            error ??= Ip("netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
                ?? Ip("netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1")
                ?? Ip("-n", ns, "addr", "add", $"{address}/24", "dev", device)
                ?? Ip("-n", ns, "link", "set", device, "up")
                ?? Ip("-n", ns, "link", "set", "lo", "up");
        }
        if (error is null)
        {
            string localMac = Mac(pair.Local, LocalInterface), remoteMac = Mac(pair.Remote, RemoteInterface);
            error = Ip("-n", pair.Local, "neigh", "replace", RemoteAddress.ToString(), "lladdr", remoteMac, "dev", LocalInterface, "nud", "permanent")
                ?? Ip("-n", pair.Remote, "neigh", "replace", LocalAddress.ToString(), "lladdr", localMac, "dev", RemoteInterface, "nud", "permanent");
        }
        if (error is not null)
        {
            pair.Dispose();
            reason = $"setting up the veth pair failed: {error}";
            return null;
        }
        reason = "";
        return pair;
    }

    /// <summary>Runs <paramref name="action"/> on a thread inside namespace <paramref name="ns"/> (sockets made there stay there).</summary>
    public static T In<T>(string ns, Func<T> action) => NetworkNamespace.Run(ns, action);

    /// <summary>What <c>ip -d link show</c> prints for an interface (it names an attached XDP program as <c>prog/xdp id N</c>).</summary>
    public static string LinkDetails(string ns, string device) => Run("ip", "-n", ns, "-d", "link", "show", "dev", device).Output;

    private static string Mac(string ns, string device)
    {
        string shown = Run("ip", "-n", ns, "link", "show", "dev", device).Output;
        int at = shown.IndexOf("link/ether ", StringComparison.Ordinal);
        return at < 0 ? "00:00:00:00:00:00" : shown.Substring(at + "link/ether ".Length, 17);
    }

    /// <summary>Runs <c>ip</c>; null on success, else what it printed.</summary>
    public static string? Ip(params string[] arguments)
    {
        var (code, _, errors) = Run("ip", arguments);
        return code == 0 ? null : $"ip {string.Join(' ', arguments)}: {errors.Trim()}";
    }

    public static (int Code, string Output, string Errors) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true };
        try
        {
            using var process = Process.Start(start)!;
            var errors = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output, errors.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, "", e.Message);
        }
    }

    public void Dispose()
    {
        Ip("netns", "del", Local);
        Ip("netns", "del", Remote);
    }
}
