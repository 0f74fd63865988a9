using System.Diagnostics;
using Ebpf.Elf;
using Ebpf.ProgramTypes;
using Ebpf.Verifier;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Verifier;

/// <summary>
/// Every program of every object the project has (examples/, tests/objects/ with its real-world-style corpus in
/// tests/objects/realworld/, bench/programs/, and tests/corpus compiled
/// with clang) is accepted by our verifier exactly when BPF_PROG_LOAD on this kernel accepts it as root. Programs whose
/// section gives no type (the benchmarks, the corpus) are verified as socket filters on both sides.
/// </summary>
public class VerifierKernelDifferentialTests(ITestOutputHelper output)
{
    [Fact]
    public void Our_verdicts_equal_the_kernels_on_every_project_object()
    {
        if (KernelRequirement.Missing(output)) return;
        var rows = new List<string>();
        var mismatches = new List<string>();
        var ourTimes = new List<double>();
        var kernelTimes = new List<double>();
        var ratios = new List<double>();
        foreach (string path in Objects())
        {
            CollectionSpec spec;
            try { spec = ObjectFile.Load(path); }
            catch (EbpfException e) { output.WriteLine($"{Relative(path)}: not loadable by ObjectFile ({e.Message}); skipped"); continue; }
            KernelObjectMaps maps;
            try { maps = new KernelObjectMaps(spec); }
            catch (KernelErrorException e) { output.WriteLine($"{Relative(path)}: SKIPPED, the kernel refused its maps: {e.Message}"); continue; }
            using (maps)
            {
                foreach (var program in spec.Programs)
                {
                    bool untyped = program.ProgramType == ProgramTypeId.Unspecified;
                    var type = untyped ? ProgramTypeId.SocketFilter : program.ProgramType;
                    var kernel = KernelVerifier.Load(maps.Rewrite(program.Instructions), type, program.ExpectedAttachType,
                        program.License.Length == 0 ? "GPL" : program.License, program.Name);
                    if (!kernel.Accepted && kernel.Log.Contains("missing btf func_info", StringComparison.Ordinal) && program.FunctionInfos.Count > 0)
                    {
                        // The object has the BTF records the kernel asks for; this harness does not load BTF into the kernel.
                        output.WriteLine($"{Relative(path)} {program.Name}: SKIPPED, the kernel needs the object's BTF func_info, which this test does not load");
                        continue;
                    }
                    var options = new VerifierOptions();
                    ProgramVerifier.Verify(program, spec, options, untyped ? "socket_filter" : null);
                    var clock = Stopwatch.StartNew();
                    var ours = ProgramVerifier.Verify(program, spec, options, untyped ? "socket_filter" : null);
                    clock.Stop();
                    ourTimes.Add(clock.Elapsed.TotalMicroseconds);
                    if (kernel.Microseconds is long k)
                    {
                        kernelTimes.Add(k);
                        ratios.Add(clock.Elapsed.TotalMicroseconds / Math.Max(k, 1));
                    }
                    string row = $"{Relative(path)} {program.Name} ({ProgramTypeNames.NameOf(type)}): ours {(ours.Accepted ? "accept" : "reject")} " +
                        $"[{ours.Statistics.ProcessedInstructions} insns, {clock.Elapsed.TotalMicroseconds:F0} us], kernel {(kernel.Accepted ? "accept" : $"reject errno {kernel.Errno}")} " +
                        $"[{kernel.Processed} insns, {kernel.Microseconds} us]";
                    rows.Add(row);
                    if (KnownVerdictDeviations.TryGetValue($"{Relative(path)} {program.Name}", out string? why))
                    {
                        // A documented disagreement must still be exactly that disagreement; once fixed, the entry goes.
                        output.WriteLine($"KNOWN DEVIATION {row}: {why}");
                        if (ours.Accepted == kernel.Accepted) mismatches.Add($"{row}\n  listed as a known deviation but the verdicts now agree: remove it from KnownVerdictDeviations");
                        continue;
                    }
                    if (ours.Accepted != kernel.Accepted)
                        mismatches.Add($"{row}\n  ours: {ours.Message}\n  kernel: {LastLines(kernel.Log, 4)}");
                }
            }
        }
        foreach (var row in rows) output.WriteLine(row);
        output.WriteLine($"{rows.Count} programs; median verification time: ours {Median(ourTimes):F0} us, kernel {Median(kernelTimes):F0} us; " +
            $"time ours/kernel per program: median {Median(ratios):F2}, worst {(ratios.Count > 0 ? ratios.Max() : double.NaN):F2}");
        Assert.True(rows.Count >= 20, $"expected the project's objects, found {rows.Count} programs");
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    /// <summary>
    /// Programs whose verdict differs from the kernel's for a reason we understand and have not modelled yet, with the
    /// reason. Each is checked to still differ.
    /// </summary>
    private static readonly Dictionary<string, string> KnownVerdictDeviations = new(StringComparer.Ordinal)
    {
    };

    private static double Median(List<double> values)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static string LastLines(string log, int count) => string.Join(" | ", log.TrimEnd().Split('\n').TakeLast(count));

    private static IEnumerable<string> Objects()
    {
        string root = RepositoryRoot();
        foreach (var file in Directory.GetFiles(Path.Combine(root, "examples"), "*.o").Order()) yield return file;
        foreach (var file in Directory.GetFiles(Path.Combine(root, "tests", "objects"), "*.o").Order()) yield return file;
        foreach (var file in Directory.GetFiles(Path.Combine(root, "tests", "objects", "realworld"), "*.o").Order()) yield return file;
        foreach (var file in Directory.GetFiles(Path.Combine(root, "bench", "programs"), "*.bpf.o").Order()) yield return file;
        foreach (var file in CompiledCorpus(Path.Combine(root, "tests", "corpus"))) yield return file;
    }

    private static IEnumerable<string> CompiledCorpus(string directory)
    {
        string? clang = new[] { "clang-14", "clang" }.FirstOrDefault(name => Which(name));
        if (clang is null) yield break;
        string work = Directory.CreateTempSubdirectory("ebpf-verifier-corpus-").FullName;
        foreach (var source in Directory.GetFiles(directory, "*.c").Order())
        {
            string target = Path.Combine(work, Path.GetFileNameWithoutExtension(source) + ".o");
            var info = new ProcessStartInfo(clang, ["-O2", "-g", "-target", "bpf", "-c", source, "-o", target]) { RedirectStandardError = true };
            using var process = Process.Start(info)!;
            process.WaitForExit();
            if (process.ExitCode == 0) yield return target;
        }
    }

    private static bool Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, name)));

    private static string Relative(string path)
    {
        string root = RepositoryRoot();
        return path.StartsWith(root, StringComparison.Ordinal) ? path[(root.Length + 1)..] : Path.GetFileName(path);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ebpf.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("the repository root (Ebpf.slnx) was not found above the test binaries");
    }
}
