using Ebpf.Elf;
using Ebpf.Tests.Support;

namespace Ebpf.Tests.Elf;

/// <summary>The committed objects of tests/objects (rebuilt by its Makefile).</summary>
internal static class TestObjects
{
    public static string Directory => Path.Combine(RepositoryPaths.Root, "tests", "objects");

    public static string PathOf(string name) => Path.Combine(Directory, name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));

    public static CollectionSpec Load(string name) => ObjectFile.Load(PathOf(name));

    public static IEnumerable<string> All => System.IO.Directory.GetFiles(Directory, "*.o").Select(Path.GetFileName).OfType<string>().Order();
}
