using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.ProgramTypes;
using Ebpf.Tests.Support;

namespace Ebpf.Tests.Elf;

public class ObjectFileProgramTests
{
    [Fact]
    public void Programs_of_calls_o_are_named_typed_and_linked_with_their_text_callees()
    {
        var spec = TestObjects.Load("calls.o");

        Assert.Equal(["on_write", "on_open"], spec.Programs.Select(p => p.Name));
        var onWrite = spec.Program("on_write");
        Assert.Equal("tracepoint/syscalls/sys_enter_write", onWrite.SectionName);
        Assert.Equal(ProgramTypeId.Tracepoint, onWrite.ProgramType);
        Assert.Null(onWrite.ExpectedAttachType);
        Assert.Equal("GPL", onWrite.License);
        // on_write (4 slots), then sum_of_squares (7) and the square it calls (3).
        Assert.Equal(14, onWrite.Instructions.Count);
        Assert.Equal([("on_write", 0, 4), ("sum_of_squares", 4, 7), ("square", 11, 3)],
            onWrite.Functions.Select(f => (f.Name, f.StartIndex, f.Length)));
        AssertLocalCall(onWrite.Instructions[2], 1);   // 2 + 1 + 1 = 4: sum_of_squares
        AssertLocalCall(onWrite.Instructions[5], 5);   // 5 + 5 + 1 = 11: square
        AssertLocalCall(onWrite.Instructions[8], 2);   // 8 + 2 + 1 = 11: square again
        Assert.Equal([(2, "sum_of_squares"), (5, "square"), (8, "square")],
            onWrite.Relocations.Select(r => (r.InstructionIndex, r.Target)));
        Assert.All(onWrite.Relocations, r => Assert.Equal(ProgramRelocationKind.Call, r.Kind));

        var onOpen = spec.Program("on_open");
        Assert.Equal(ProgramTypeId.Kprobe, onOpen.ProgramType);
        Assert.Equal(11, onOpen.Instructions.Count);
        Assert.Equal(["on_open", "square", "twice"], onOpen.Functions.Select(f => f.Name));
        AssertLocalCall(onOpen.Instructions[1], 3);    // square at 5
        AssertLocalCall(onOpen.Instructions[3], 4);    // twice at 8
    }

    [Fact]
    public void Function_and_line_records_are_rebased_to_the_linked_program()
    {
        var onWrite = TestObjects.Load("calls.o").Program("on_write");

        Assert.Equal([0, 4, 11], onWrite.FunctionInfos.Select(f => f.InstructionIndex));
        var line = onWrite.LineAt(12);
        Assert.NotNull(line);
        Assert.Equal(6u, line.Line);
        Assert.Equal(11u, line.Column);
        Assert.Equal("\treturn x * x;", line.LineText);
        Assert.EndsWith("calls.c", line.FileName);
        Assert.Equal("\treturn square(a) + square(b);", onWrite.LineAt(8)!.LineText);
    }

    [Fact]
    public void A_bpf_loop_callback_becomes_a_function_address_lddw_relative_to_the_linked_callee()
    {
        var program = TestObjects.Load("loop_callback.o").Program("sum_indices");

        Assert.Equal(ProgramTypeId.Xdp, program.ProgramType);
        Assert.Equal(AttachTypeId.Xdp, program.ExpectedAttachType);
        Assert.Equal(21, program.Instructions.Count);
        Assert.Equal(("add_index", 14), (program.Functions[1].Name, program.Functions[1].StartIndex));
        var load = program.Instructions[5];
        Assert.True(load.IsLddw);
        Assert.Equal((byte)LddwSource.Function, load.Source);
        Assert.Equal(8, load.Immediate);   // 5 + 8 + 1 = 14
        Assert.Equal(0, program.Instructions[6].Immediate);
        Assert.Equal(new ProgramRelocation(5, ProgramRelocationKind.FunctionAddress, "add_index", -1, 0), Assert.Single(program.Relocations));
    }

    [Fact]
    public void Several_programs_share_one_section_and_v4_instructions_load()
    {
        var spec = TestObjects.Load("multi_prog_v4.o");

        Assert.Equal([("first", 2), ("second", 3), ("third", 4)], spec.Programs.Select(p => (p.Name, p.Instructions.Count)));
        Assert.All(spec.Programs, p => Assert.Equal(("tc", ProgramTypeId.SchedClassifier), (p.SectionName, p.ProgramType)));
        Assert.Equal(0x34, spec.Program("third").Instructions[1].Opcode);  // w1 s/= 3: ALU32 DIV by immediate, offset 1 = signed
        Assert.Equal(1, spec.Program("third").Instructions[1].Offset);
        Assert.Empty(spec.Maps);
    }

    [Fact]
    public void A_section_without_function_symbols_is_one_program_named_after_it()
    {
        var spec = TestObjects.Load("no_symbols.o");

        var program = Assert.Single(spec.Programs);
        Assert.Equal(("socket/raw", "socket/raw", ProgramTypeId.SocketFilter), (program.Name, program.SectionName, program.ProgramType));
        Assert.Equal(3, program.Instructions.Count);
        Assert.Equal("GPL", spec.License);
        Assert.Null(spec.Btf);
        Assert.Empty(program.LineInfos);
    }

    [Fact]
    public void Global_text_functions_are_programs_when_text_is_the_only_code()
    {
        var spec = ObjectFile.Load(Path.Combine(RepositoryPaths.Root, "examples", "exec", "ipv4_checksum.o"));

        var program = Assert.Single(spec.Programs);
        Assert.Equal((".text", ProgramTypeId.Unspecified), (program.SectionName, program.ProgramType));
        Assert.Equal("checksum", program.Name);
    }

    [Fact]
    public void License_and_kernel_version_come_from_their_sections()
    {
        var spec = TestObjects.Load("xdp_counter_legacy.o");

        Assert.Equal("Dual BSD/GPL", spec.License);
        Assert.Equal(0x050a00u, spec.KernelVersion);
        Assert.Null(TestObjects.Load("xdp_counter.o").KernelVersion);
    }

    [Fact]
    public void Loading_is_deterministic()
    {
        foreach (string name in TestObjects.All)
        {
            var first = TestObjects.Load(name);
            var second = ObjectFile.Load(TestObjects.Bytes(name));
            Assert.Equal(first.Maps, second.Maps);
            Assert.Equal(first.Programs.Select(p => p.Instructions.ToBytes()), second.Programs.Select(p => p.Instructions.ToBytes()));
        }
    }

    private static void AssertLocalCall(Instruction call, int immediate)
    {
        Assert.Equal(Opcodes.Call, call.Opcode);
        Assert.Equal((byte)CallKind.Local, call.Source);
        Assert.Equal(immediate, call.Immediate);
    }
}

public class ObjectFileLegacyAndCoreTests
{
    [Fact]
    public void Global_labels_without_function_type_or_size_are_programs_up_to_the_next_label()
    {
        var spec = TestObjects.Load("global_labels.o");

        Assert.Equal([("pass_all", 2), ("drop_all", 2)], spec.Programs.Select(p => (p.Name, p.Instructions.Count)));
        Assert.Equal(1, spec.Program("drop_all").Instructions[0].Immediate);
        Assert.Equal(Ebpf.ProgramTypes.ProgramTypeId.Xdp, spec.Program("pass_all").ProgramType);
    }

    [Fact]
    public void Co_re_relocations_are_kept_as_data_at_their_linked_instruction()
    {
        var spec = TestObjects.Load("core_read.o");
        var program = spec.Program("read_tgid");

        var relocation = Assert.Single(program.CoreRelocations);
        Assert.Equal((0, "0:1", Ebpf.Btf.BtfCoreRelocationKind.FieldByteOffset), (relocation.InstructionIndex, relocation.AccessString, relocation.Kind));
        Assert.Equal("task", spec.Btf!.TypeById(relocation.TypeId).Name);
        Assert.Equal(4, program.Instructions[0].Offset);   // clang's local layout stays until a kernel backend relocates
    }
}
