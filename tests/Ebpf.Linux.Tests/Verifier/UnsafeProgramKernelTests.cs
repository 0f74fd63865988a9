using Ebpf.Elf;
using Ebpf.Isa.Text;
using Ebpf.Tests.Verifier;
using Ebpf.Verifier;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Verifier;

/// <summary>
/// The table of unsafe programs against the kernel: every unsafe program the kernel can judge (privileged rules, a program
/// type and instructions it knows) is rejected by the kernel too, and every fixed program is accepted by it, so the table's
/// reasons are the kernel's and not only ours. Cases outside the kernel's reach are listed with the reason.
/// </summary>
public class UnsafeProgramKernelTests(ITestOutputHelper output)
{
    /// <summary>Cases the kernel judges differently by design, each with why.</summary>
    private static readonly Dictionary<string, string> NotComparable = new()
    {
        ["map_by_fd_without_kernel"] = "map fds only mean something to the kernel; the user-space verifier takes map indexes",
        ["callx_is_unsupported"] = "callx is not supported by this verifier",
        ["kfunc_is_unsupported"] = "kfuncs need the kernel's BTF",
        ["unmodelled_program_type"] = "the type is one this verifier does not model",
        ["loop_callback_returns_2"] = "the kernel needs BTF func_info for callbacks, which this harness does not load",
        ["loop_callback_is_not_a_function"] = "the fixed version passes a callback, which needs BTF func_info in the kernel",
        ["load_through_function_pointer"] = "the fixed version passes a callback, which needs BTF func_info in the kernel",
        ["for_each_callback_writes_key"] = "bpf_for_each_map_elem passes a callback, which needs BTF func_info in the kernel; callbacks.o compares with the kernel instead",
        ["for_each_callback_reads_past_key"] = "bpf_for_each_map_elem passes a callback, which needs BTF func_info in the kernel; callbacks.o compares with the kernel instead",
        ["for_each_callback_reads_past_value"] = "bpf_for_each_map_elem passes a callback, which needs BTF func_info in the kernel; callbacks.o compares with the kernel instead",
        ["for_each_callback_writes_read_only_value"] = "bpf_for_each_map_elem passes a callback, which needs BTF func_info in the kernel; callbacks.o compares with the kernel instead",
        ["for_each_callback_returns_2"] = "bpf_for_each_map_elem passes a callback, which needs BTF func_info in the kernel; callbacks.o compares with the kernel instead",
        ["for_each_callback_reads_r5"] = "bpf_for_each_map_elem passes a callback, which needs BTF func_info in the kernel; callbacks.o compares with the kernel instead",
        ["for_each_unsupported_map_type"] = "bpf_for_each_map_elem passes a callback, which needs BTF func_info in the kernel; callbacks.o compares with the kernel instead",
        ["for_each_map_is_a_number"] = "bpf_for_each_map_elem passes a callback, which needs BTF func_info in the kernel; callbacks.o compares with the kernel instead",
        ["for_each_map_differs_between_paths"] = "bpf_for_each_map_elem passes a callback, which needs BTF func_info in the kernel; callbacks.o compares with the kernel instead",
        ["for_each_key_passed_as_larger_value"] = "bpf_for_each_map_elem passes a callback, which needs BTF func_info in the kernel; callbacks.o compares with the kernel instead",
        ["load_through_map_pointer"] = "the kernel reads struct bpf_map fields through map pointers with its own BTF; maps here are host objects, so this verifier refuses",
        ["loop_beyond_budget"] = "the case lowers the instruction budget to 5000; the kernel's is 1,000,000",
    };

    [Fact]
    public void The_kernel_agrees_with_the_table_of_unsafe_programs()
    {
        if (KernelRequirement.Missing(output)) return;
        string root = RepositoryRoot();
        var cases = UnsafeProgramCase.Load(Path.Combine(root, "tests", "Ebpf.Tests", "Verifier", "TestData", "unsafe_programs.txt"));
        var disagreements = new List<string>();
        int compared = 0;
        foreach (var @case in cases)
        {
            if (@case.Unprivileged || NotComparable.ContainsKey(@case.Name) || @case.Type == ProgramTypeNames.Raw)
            {
                string why = @case.Unprivileged ? "unprivileged rules; the kernel here loads as root"
                    : @case.Type == ProgramTypeNames.Raw ? "the raw type exists only in user space" : NotComparable[@case.Name];
                output.WriteLine($"{@case.Name}: not compared ({why})");
                continue;
            }
            compared++;
            foreach (bool fixedVersion in new[] { false, true })
            {
                string typeName = fixedVersion ? @case.FixedType : @case.Type;
                ProgramTypeNames.TryParse(typeName, out var type);
                var spec = new CollectionSpec([], @case.Maps, [], null, @case.License, null);
                using var maps = new KernelObjectMaps(spec);
                var program = Assembler.Assemble(UnsafeProgramCase.Expand(fixedVersion ? @case.Fixed : @case.Unsafe));
                var kernel = KernelVerifier.Load(maps.Rewrite(program), type!.Value, null, @case.License, "unsafe_case");
                bool expected = fixedVersion;
                if (kernel.Accepted != expected)
                    disagreements.Add($"{@case.Name} ({(fixedVersion ? "fixed" : "unsafe")}): kernel {(kernel.Accepted ? "accepts" : $"rejects (errno {kernel.Errno})")}: {LastLines(kernel.Log)}");
            }
        }
        output.WriteLine($"{compared} of {cases.Count} cases compared with the kernel, {disagreements.Count} disagreements");
        foreach (var line in disagreements) output.WriteLine(line);
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
    }

    private static string LastLines(string log) => string.Join(" | ", log.TrimEnd().Split('\n').TakeLast(8));

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ebpf.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("the repository root (Ebpf.slnx) was not found above the test binaries");
    }
}
