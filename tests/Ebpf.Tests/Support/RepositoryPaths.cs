namespace Ebpf.Tests.Support;

/// <summary>Finds the repository and the shared conformance suite beside it (../shared from the project root).</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Conformance => Path.GetFullPath(Path.Combine(Root, "..", "shared", "conformance"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ebpf.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Ebpf.slnx above {AppContext.BaseDirectory}");
    }
}
