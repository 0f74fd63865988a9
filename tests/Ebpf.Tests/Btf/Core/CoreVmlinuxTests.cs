using System.Diagnostics;
using Ebpf.Btf;
using Ebpf.Btf.Core;
using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.Tests.Elf;
using Xunit.Abstractions;

namespace Ebpf.Tests.Btf.Core;

/// <summary>
/// tests/objects/core_fields.o relocated against this machine's /sys/kernel/btf/vmlinux; every expected value is read
/// from the kernel's BTF directly (member offsets, sizes, ids), not through the relocation engine.
/// </summary>
public class CoreVmlinuxTests(ITestOutputHelper output)
{
    private static readonly Instruction Poison = new(0x85, 0, 0, 0, 0xbad2310);

    private bool Missing()
    {
        if (KernelBtf.IsAvailable) return false;
        output.WriteLine($"SKIPPED: {KernelBtf.VmlinuxPath} does not exist (the kernel lacks CONFIG_DEBUG_INFO_BTF)");
        return true;
    }

    private static Bytecode Relocated(string program)
    {
        var spec = TestObjects.Load("core_fields.o");
        return CoreRelocator.Apply(spec.FindProgram(program)!, spec.Btf!, KernelBtf.Vmlinux).Instructions;
    }

    private static BtfComposite KernelTask => KernelBtf.Vmlinux.FindByName<BtfComposite>("task_struct")!;

    private static BtfMember KernelMember(string name) => KernelTask.FindMember(name)!;

    private static int KernelOffset(string member) => (int)(KernelMember(member).BitOffset / 8);

    [Fact]
    public void Vmlinux_parses_in_well_under_a_second_and_is_read_once()
    {
        if (Missing()) return;
        var clock = Stopwatch.StartNew();
        var fresh = KernelBtf.Load(KernelBtf.VmlinuxPath);
        clock.Stop();
        output.WriteLine($"{KernelBtf.VmlinuxPath}: {new FileInfo(KernelBtf.VmlinuxPath).Length} bytes, {fresh.Types.Count - 1} types, parsed in {clock.ElapsedMilliseconds} ms");
        Assert.Same(KernelBtf.Vmlinux, KernelBtf.Vmlinux);
        Assert.Equal(fresh.Types.Count, KernelBtf.Vmlinux.Types.Count);
        Assert.True(clock.ElapsedMilliseconds < 5000, $"parsing took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Field_offsets_of_task_struct_are_the_kernels()
    {
        if (Missing()) return;
        Assert.Equal(KernelOffset("pid"), Relocated("current_pid")[3].Immediate);
        Assert.Equal(KernelOffset("tgid"), Relocated("current_tgid")[3].Immediate);
        Assert.Equal(KernelOffset("pid"), Relocated("pid_offset")[0].Immediate);
        Assert.Equal(KernelOffset("comm") + 3, Relocated("comm_third_offset")[0].Immediate);
        Assert.Equal((int)KernelBtf.Vmlinux.SizeOf(KernelMember("comm").TypeId), Relocated("comm_size")[0].Immediate);
        Assert.Equal(1, Relocated("pid_signed")[0].Immediate);
    }

    [Fact]
    public void Field_existence_is_one_for_a_kernel_member_and_zero_for_a_missing_one()
    {
        if (Missing()) return;
        var program = Relocated("field_existence");
        Assert.Equal((0, 1), (program[0].Immediate, program[1].Immediate));
    }

    [Fact]
    public void A_kernel_bitfield_gets_its_load_offset_size_and_shifts()
    {
        if (Missing()) return;
        var member = KernelMember("sched_contributes_to_load");
        Assert.Equal(1, member.BitfieldSize);
        Assert.Equal(4u, KernelBtf.Vmlinux.SizeOf(member.TypeId));
        // A 1-bit field never crosses a 32-bit boundary, so the 4-byte word holding it is the load.
        uint word = member.BitOffset / 32 * 4;
        int bitInWord = (int)(member.BitOffset % 32);
        var load = Relocated("bitfield_load");
        Assert.Equal(((int)word, 4), (load[1].Immediate, load[0].Immediate));
        var shifts = Relocated("bitfield_shifts");
        Assert.Equal((64 - (bitInWord + 1), 63, 0), (shifts[0].Immediate, shifts[2].Immediate, shifts[5].Immediate));
    }

    [Fact]
    public void A_read_of_a_member_the_kernel_lacks_is_poisoned()
    {
        if (Missing()) return;
        Assert.Equal(Poison, Relocated("missing_read")[3]);
        var missingEnum = Relocated("missing_enum_value");
        Assert.Equal((Poison, Poison), (missingEnum[0], missingEnum[1]));
    }

    [Fact]
    public void Type_facts_ids_and_sizes_are_the_kernels()
    {
        if (Missing()) return;
        var facts = Relocated("type_facts");
        Assert.Equal((1, 0, 0), (facts[0].Immediate, facts[2].Immediate, facts[5].Immediate));
        Assert.Equal((int)KernelTask.Size, Relocated("task_size")[0].Immediate);
        var target = Relocated("task_type_ids");
        Assert.Equal(((int)KernelTask.Id, 0), (target[0].Immediate, target[1].Immediate));
        var localId = TestObjects.Load("core_fields.o").Btf!.FindByName<BtfComposite>("task_struct")!.Id;
        Assert.Equal((int)localId, Relocated("local_type_id")[0].Immediate);
    }

    [Fact]
    public void Type_matches_holds_for_pid_type_but_not_for_a_partial_task_struct_with_a_differently_signed_char()
    {
        if (Missing()) return;
        var program = Relocated("type_matches");
        Assert.Equal(1, program[1].Immediate);   // enum pid_type: every local enumerator exists, same size
        // The kernel is built with -funsigned-char, while BPF's char is signed: comm[] does not match.
        var kernelChar = (BtfInt)KernelBtf.Vmlinux.Resolve(((BtfArray)KernelBtf.Vmlinux.Resolve(KernelMember("comm").TypeId)).ElementTypeId);
        var localBtf = TestObjects.Load("core_fields.o").Btf!;
        var localTask = localBtf.FindByName<BtfComposite>("task_struct")!;
        var localChar = (BtfInt)localBtf.Resolve(((BtfArray)localBtf.Resolve(localTask.FindMember("comm")!.TypeId)).ElementTypeId);
        output.WriteLine($"kernel char: {kernelChar}; local char: {localChar}");
        bool sameSignedness = (kernelChar.Encoding & BtfIntEncoding.Signed) == (localChar.Encoding & BtfIntEncoding.Signed);
        Assert.Equal(sameSignedness ? 1 : 0, program[0].Immediate);
    }

    [Fact]
    public void Enum_values_and_their_existence_are_the_kernels()
    {
        if (Missing()) return;
        var kernelEnum = KernelBtf.Vmlinux.FindByName<BtfEnum>("pid_type")!;
        long sid = kernelEnum.Values.Single(v => v.Name == "PIDTYPE_SID").Value;
        var program = Relocated("enum_values");
        Assert.Equal(((int)sid, 1, 0), (program[0].Immediate, program[3].Immediate, program[7].Immediate));
    }

    [Fact]
    public void Relocating_for_the_running_kernel_uses_vmlinux_and_leaves_programs_without_relocations_alone()
    {
        if (Missing()) return;
        var spec = TestObjects.Load("core_fields.o");
        var pid = spec.FindProgram("current_pid")!;
        Assert.Equal(CoreRelocator.Apply(pid, spec.Btf!, KernelBtf.Vmlinux).Instructions.Slots.ToArray(),
            CoreRelocator.ApplyForRunningKernel(pid, spec.Btf).Instructions.Slots.ToArray());
        var plain = TestObjects.Load("calls.o").Programs[0];
        var unchanged = CoreRelocator.ApplyForRunningKernel(plain, null);
        Assert.Same(plain.Instructions, unchanged.Instructions);
        Assert.Empty(unchanged.Relocations);
        var error = Assert.Throws<CoreRelocationException>(() => CoreRelocator.ApplyForRunningKernel(pid, null));
        Assert.Contains("its object has no .BTF section", error.Message);
    }

    [Fact]
    public void Every_relocation_of_the_object_reports_what_it_resolved_to()
    {
        if (Missing()) return;
        var spec = TestObjects.Load("core_fields.o");
        var reports = spec.Programs.SelectMany(p => CoreRelocator.Apply(p, spec.Btf!, KernelBtf.Vmlinux).Relocations).ToList();
        foreach (var report in reports) output.WriteLine(report.ToString());
        Assert.Equal(28, reports.Count);
        Assert.Equal(13, reports.Select(r => r.Relocation.Kind).Distinct().Count());
        Assert.Equal(2, reports.Count(r => r.Poisoned));
        var pid = reports.First(r => r.Relocation.Kind == BtfCoreRelocationKind.FieldByteOffset);
        Assert.Equal($"[{KernelTask.Id}] struct task_struct.pid (0:{KernelTask.Members.ToList().FindIndex(m => m.Name == "pid")} @ offset {KernelOffset("pid")})", pid.Target);
    }
}
