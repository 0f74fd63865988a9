using Ebpf.Btf;
using Ebpf.Btf.Core;
using Ebpf.Isa;

namespace Ebpf.Tests.Btf.Core;

/// <summary>CO-RE relocations between hand-built local and target BTF, asserting the exact patched instructions.</summary>
public class CoreRelocatorTests
{
    private const byte MovImm = 0xb7, LoadWord = 0x61, LoadDouble = 0x79, StoreWord = 0x63, Exit = 0x95;
    private static readonly Instruction Poison = new(0x85, 0, 0, 0, 0xbad2310);

    private static Instruction Mov(int value) => new(MovImm, 0, 0, 0, value);
    private static Instruction Load(byte opcode, short offset) => new(opcode, 0, 1, offset, 0);
    private static Instruction ExitInstruction => new(Exit, 0, 0, 0, 0);

    private static CoreRelocationResult Apply(BtfBlob local, BtfBlob target, Instruction[] slots, params BtfCoreRelocation[] relocations) =>
        CoreRelocator.Apply("test_prog", new Bytecode(slots), relocations, BtfSpec.Parse(local.Build()), BtfSpec.Parse(target.Build()));

    private static BtfCoreRelocation Relo(int instruction, uint type, string access, BtfCoreRelocationKind kind) => new(instruction, type, access, kind);

    /// <summary>Local: 1 int, 2 struct s { int a; int b; }.</summary>
    private static BtfBlob LocalPair(string name = "s") => new BtfBlob().Int("int", 4, true).Struct(name, 8, ("a", 1, 0), ("b", 1, 32));

    [Fact]
    public void A_moved_field_patches_alu_immediates_and_load_offsets()
    {
        // Target: 1 int, 2 long, 3 struct s { long x; int a; int pad; int b; } — b moved from 4 to 16.
        var target = new BtfBlob().Int("int", 4, true).Int("long", 8, true).Struct("s", 24, ("x", 2, 0), ("a", 1, 64), ("pad", 1, 96), ("b", 1, 128));
        var result = Apply(LocalPair(), target, [Mov(4), Load(LoadWord, 4), ExitInstruction],
            Relo(0, 2, "0:1", BtfCoreRelocationKind.FieldByteOffset), Relo(1, 2, "0:1", BtfCoreRelocationKind.FieldByteOffset));

        Assert.Equal([Mov(16), Load(LoadWord, 16), ExitInstruction], result.Instructions.Slots.ToArray());
        var report = result.Relocations[0];
        Assert.Equal(("[2] struct s.b (0:1 @ offset 4)", "[3] struct s.b (0:3 @ offset 16)", 4ul, 16ul, false),
            (report.Local, report.Target, report.OriginalValue, report.NewValue, report.Poisoned));
        Assert.Equal("relo #1: insn 1 <byte_off> [2] struct s.b (0:1 @ offset 4) => [3] struct s.b (0:3 @ offset 16) (1 candidate): LDX/ST/STX off 4 -> 16",
            result.Relocations[1].ToString());
    }

    [Fact]
    public void A_flavoured_local_type_finds_the_target_by_its_essential_name()
    {
        var target = new BtfBlob().Int("int", 4, true).Struct("s", 12, ("b", 1, 0), ("a", 1, 64));
        var result = Apply(LocalPair("s___v2"), target, [Mov(0), ExitInstruction], Relo(0, 2, "0:0", BtfCoreRelocationKind.FieldByteOffset));
        Assert.Equal(Mov(8), result.Instructions[0]);
        Assert.Equal("[2] struct s.a (0:1 @ offset 8)", result.Relocations[0].Target);
    }

    [Fact]
    public void A_missing_field_poisons_reads_and_existence_checks_give_zero()
    {
        var target = new BtfBlob().Int("int", 4, true).Struct("s", 4, ("a", 1, 0));
        var (first, second) = Instruction.Lddw(0, 4);
        var result = Apply(LocalPair(), target, [Load(LoadWord, 4), Mov(1), first, second, ExitInstruction],
            Relo(0, 2, "0:1", BtfCoreRelocationKind.FieldByteOffset),
            Relo(1, 2, "0:1", BtfCoreRelocationKind.FieldExists),
            Relo(2, 2, "0:1", BtfCoreRelocationKind.FieldByteOffset));

        Assert.Equal([Poison, Mov(0), Poison, Poison, ExitInstruction], result.Instructions.Slots.ToArray());
        Assert.Equal([true, false, true], result.Relocations.Select(r => r.Poisoned));
        Assert.Null(result.Relocations[0].Target);
    }

    [Fact]
    public void A_field_inside_an_anonymous_target_union_is_found_through_it()
    {
        // Target: 1 int, 2 union { int a; int b; }, 3 struct s { int x; union {...}; }
        var target = new BtfBlob().Int("int", 4, true).Union("", 4, ("a", 1, 0), ("b", 1, 0)).Struct("s", 8, ("x", 1, 0), ("", 2, 32));
        var result = Apply(LocalPair(), target, [Mov(4), ExitInstruction], Relo(0, 2, "0:1", BtfCoreRelocationKind.FieldByteOffset));
        Assert.Equal(Mov(4), result.Instructions[0]);
        Assert.Equal("[3] struct s.b (0:1:1 @ offset 4)", result.Relocations[0].Target);
    }

    [Fact]
    public void Bitfields_get_the_smallest_aligned_load_and_its_shifts()
    {
        // Local: 1 unsigned int, 2 struct f { unsigned a:3; unsigned b:5; }
        var local = new BtfBlob().Int("unsigned int", 4, false).BitfieldStruct("f", 4, ("a", 1, 0, 3), ("b", 1, 3, 5));
        // Target: b at bit 30 spans two words: an 8-byte load at 0, shifted left 29 and right 59.
        var target = new BtfBlob().Int("unsigned int", 4, false).BitfieldStruct("f", 8, ("x", 1, 0, 30), ("b", 1, 30, 5));
        var result = Apply(local, target, [Mov(0), Mov(4), Mov(56), Mov(59), Mov(0), ExitInstruction],
            Relo(0, 2, "0:1", BtfCoreRelocationKind.FieldByteOffset),
            Relo(1, 2, "0:1", BtfCoreRelocationKind.FieldByteSize),
            Relo(2, 2, "0:1", BtfCoreRelocationKind.FieldLeftShift),
            Relo(3, 2, "0:1", BtfCoreRelocationKind.FieldRightShift),
            Relo(4, 2, "0:1", BtfCoreRelocationKind.FieldSigned));
        Assert.Equal([Mov(0), Mov(8), Mov(29), Mov(59), Mov(0), ExitInstruction], result.Instructions.Slots.ToArray());
    }

    [Fact]
    public void A_bitfield_inside_one_word_keeps_a_four_byte_load()
    {
        var local = new BtfBlob().Int("unsigned int", 4, false).BitfieldStruct("f", 4, ("a", 1, 0, 3), ("b", 1, 3, 5));
        var target = new BtfBlob().Int("unsigned int", 4, false).BitfieldStruct("f", 8, ("x", 1, 0, 32), ("b", 1, 40, 5));
        var result = Apply(local, target, [Mov(0), Mov(4), Mov(56), ExitInstruction],
            Relo(0, 2, "0:1", BtfCoreRelocationKind.FieldByteOffset),
            Relo(1, 2, "0:1", BtfCoreRelocationKind.FieldByteSize),
            Relo(2, 2, "0:1", BtfCoreRelocationKind.FieldLeftShift));
        Assert.Equal([Mov(4), Mov(4), Mov(64 - (40 + 5 - 32)), ExitInstruction], result.Instructions.Slots.ToArray());
    }

    [Fact]
    public void Array_elements_relocate_by_the_target_element_offset_and_bounds()
    {
        // Local: 1 int, 2 u32 index, 3 int[4], 4 struct a { int pad; int arr[4]; }: arr[2] at 12.
        var local = new BtfBlob().Int("int", 4, true).Int("unsigned int", 4, false).Array(1, 2, 4).Struct("a", 20, ("pad", 1, 0), ("arr", 3, 32));
        // Target: 1 int, 2 u32, 3 long, 4 int[8], 5 struct a { long pad2; long pad; int arr[8]; }: arr[2] at 24.
        var wide = new BtfBlob().Int("int", 4, true).Int("unsigned int", 4, false).Int("long", 8, true).Array(1, 2, 8)
            .Struct("a", 48, ("pad2", 3, 0), ("pad", 3, 64), ("arr", 4, 128));
        var result = Apply(local, wide, [Mov(12), Load(LoadWord, 12), ExitInstruction],
            Relo(0, 4, "0:1:2", BtfCoreRelocationKind.FieldByteOffset), Relo(1, 4, "0:1:2", BtfCoreRelocationKind.FieldByteOffset));
        Assert.Equal([Mov(24), Load(LoadWord, 24), ExitInstruction], result.Instructions.Slots.ToArray());
        Assert.Equal("[4] struct a.arr[2] (0:1:2 @ offset 12)", result.Relocations[0].Local);

        // Two elements in the target: index 2 is out of bounds there, so nothing fits.
        var narrow = new BtfBlob().Int("int", 4, true).Int("unsigned int", 4, false).Array(1, 2, 2).Struct("a", 8, ("arr", 3, 0));
        Assert.Equal(Poison, Apply(local, narrow, [Mov(12), ExitInstruction], Relo(0, 4, "0:1:2", BtfCoreRelocationKind.FieldByteOffset)).Instructions[0]);

        // A flexible array (no elements, last member) may be indexed anywhere.
        var flexible = new BtfBlob().Int("int", 4, true).Int("unsigned int", 4, false).Array(1, 2, 0).Struct("a", 4, ("pad", 1, 0), ("arr", 3, 32));
        Assert.Equal(Mov(12), Apply(local, flexible, [Mov(12), ExitInstruction], Relo(0, 4, "0:1:2", BtfCoreRelocationKind.FieldByteOffset)).Instructions[0]);
    }

    [Fact]
    public void An_unsigned_field_that_grew_widens_the_load_and_a_signed_one_is_poisoned()
    {
        // Local: 1 unsigned int, 2 int, 3 struct w { unsigned u; int s; }
        var local = new BtfBlob().Int("unsigned int", 4, false).Int("int", 4, true).Struct("w", 8, ("u", 1, 0), ("s", 2, 32));
        // Target: 1 unsigned long, 2 long, 3 struct w { unsigned long u; long s; }
        var target = new BtfBlob().Int("unsigned long", 8, false).Int("long", 8, true).Struct("w", 16, ("u", 1, 0), ("s", 2, 64));
        var store = new Instruction(StoreWord, 1, 2, 4, 0);
        var result = Apply(local, target, [Load(LoadWord, 0), Load(LoadWord, 4), store, ExitInstruction],
            Relo(0, 3, "0:0", BtfCoreRelocationKind.FieldByteOffset),
            Relo(1, 3, "0:1", BtfCoreRelocationKind.FieldByteOffset),
            Relo(2, 3, "0:1", BtfCoreRelocationKind.FieldByteOffset));
        Assert.Equal([Load(LoadDouble, 0), Poison, Poison, ExitInstruction], result.Instructions.Slots.ToArray());
        Assert.Equal("LDX/ST/STX off 0 -> 0, width 4 -> 8 bytes", result.Relocations[0].Patch);
    }

    [Fact]
    public void Enum_values_come_from_the_target_by_essential_enumerator_name()
    {
        // Local: 1 enum e { A = 1, B___new = 2 }
        var local = new BtfBlob().Enum("e", 4, false, ("A", 1), ("B___new", 2));
        // Target: 1 enum e { B = 42, C = 0xffffffff } (32-bit values sign-extend, as libbpf reads them)
        var target = new BtfBlob().Enum("e", 4, false, ("B", 42), ("C", 0xffff_ffff));
        var (first, second) = Instruction.Lddw(0, 2);
        var (exists, existsHigh) = Instruction.Lddw(0, 1);
        var result = Apply(local, target, [first, second, exists, existsHigh, Mov(1), ExitInstruction],
            Relo(0, 1, "1", BtfCoreRelocationKind.EnumValue),
            Relo(2, 1, "0", BtfCoreRelocationKind.EnumValueExists),
            Relo(4, 1, "1", BtfCoreRelocationKind.EnumValueExists));
        var (patched, patchedHigh) = Instruction.Lddw(0, 42);
        var (absent, absentHigh) = Instruction.Lddw(0, 0);
        Assert.Equal([patched, patchedHigh, absent, absentHigh, Mov(1), ExitInstruction], result.Instructions.Slots.ToArray());
        Assert.Equal("[1] enum e::B___new = 2", result.Relocations[0].Local);

        var local2 = new BtfBlob().Enum("e", 4, false, ("C", 3));
        var (c, cHigh) = Instruction.Lddw(0, 3);
        var negative = Apply(local2, target, [c, cHigh, ExitInstruction], Relo(0, 1, "0", BtfCoreRelocationKind.EnumValue));
        Assert.Equal(Instruction.Lddw(0, ulong.MaxValue).First, negative.Instructions[0]);
        Assert.Equal(Instruction.Lddw(0, ulong.MaxValue).Second, negative.Instructions[1]);

        var missing = Apply(local, new BtfBlob().Enum("e", 4, false, ("Z", 9)), [first, second, ExitInstruction], Relo(0, 1, "1", BtfCoreRelocationKind.EnumValue));
        Assert.Equal([Poison, Poison, ExitInstruction], missing.Instructions.Slots.ToArray());
    }

    [Fact]
    public void Type_relocations_give_ids_sizes_existence_and_match()
    {
        // Local: 1 int, 2 struct m { int a; }, 3 struct gone { int a; }
        var local = new BtfBlob().Int("int", 4, true).Struct("m", 4, ("a", 1, 0)).Struct("gone", 4, ("a", 1, 0));
        // Target: 1 long, 2 int, 3 struct m { int a; long b; }
        var target = new BtfBlob().Int("long", 8, true).Int("int", 4, true).Struct("m", 16, ("a", 2, 0), ("b", 1, 64));
        var (id, idHigh) = Instruction.Lddw(0, 2);
        var (localId, localIdHigh) = Instruction.Lddw(0, 2);
        var result = Apply(local, target, [id, idHigh, localId, localIdHigh, Mov(4), Mov(1), Mov(1), Mov(1), Mov(4), ExitInstruction],
            Relo(0, 2, "0", BtfCoreRelocationKind.TypeIdTarget),
            Relo(2, 2, "0", BtfCoreRelocationKind.TypeIdLocal),
            Relo(4, 2, "0", BtfCoreRelocationKind.TypeSize),
            Relo(5, 2, "0", BtfCoreRelocationKind.TypeExists),
            Relo(6, 2, "0", BtfCoreRelocationKind.TypeMatches),
            Relo(7, 3, "0", BtfCoreRelocationKind.TypeExists),
            Relo(8, 3, "0", BtfCoreRelocationKind.TypeSize));
        var (targetId, targetIdHigh) = Instruction.Lddw(0, 3);
        Assert.Equal([targetId, targetIdHigh, localId, localIdHigh, Mov(16), Mov(1), Mov(1), Mov(0), Mov(0), ExitInstruction],
            result.Instructions.Slots.ToArray());
        Assert.DoesNotContain(result.Relocations, r => r.Poisoned);

        // Same name, but the member's signedness differs: compatible (exists), yet not a match.
        var unsigned = new BtfBlob().Int("int", 4, false).Struct("m", 4, ("a", 1, 0));
        var mismatch = Apply(local, unsigned, [Mov(1), Mov(1), ExitInstruction],
            Relo(0, 2, "0", BtfCoreRelocationKind.TypeExists), Relo(1, 2, "0", BtfCoreRelocationKind.TypeMatches));
        Assert.Equal([Mov(1), Mov(0), ExitInstruction], mismatch.Instructions.Slots.ToArray());
    }

    [Fact]
    public void Candidates_that_disagree_on_the_offset_are_an_error_naming_program_instruction_and_type()
    {
        var target = new BtfBlob().Int("int", 4, true).Struct("s", 8, ("a", 1, 0), ("b", 1, 32)).Struct("s___2", 12, ("b", 1, 64));
        var error = Assert.Throws<CoreRelocationException>(() =>
            Apply(LocalPair(), target, [Mov(0), Mov(4), ExitInstruction], Relo(1, 2, "0:1", BtfCoreRelocationKind.FieldByteOffset)));
        Assert.Equal("CO-RE relocation #0 of program 'test_prog' at instruction 1 (<byte_off> [2] struct s + 0:1): field offset ambiguity: " +
                     "candidates [2] struct s.b (0:1 @ offset 4) and [3] struct s___2.b (0:0 @ offset 8) give bit offsets 32 and 64", error.Message);
        Assert.Equal((1, 0), (error.InstructionIndex, error.RelocationIndex));
    }

    [Fact]
    public void Candidates_that_agree_are_accepted_and_only_fitting_ones_stay_for_later_relocations()
    {
        var target = new BtfBlob().Int("int", 4, true).Struct("s", 8, ("a", 1, 0), ("b", 1, 32)).Struct("s___2", 8, ("x", 1, 0), ("b", 1, 32));
        var result = Apply(LocalPair(), target, [Mov(4), Mov(0), ExitInstruction],
            Relo(0, 2, "0:1", BtfCoreRelocationKind.FieldByteOffset), Relo(1, 2, "0:0", BtfCoreRelocationKind.FieldByteOffset));
        Assert.Equal([Mov(4), Mov(0), ExitInstruction], result.Instructions.Slots.ToArray());
        Assert.Equal([2, 2], result.Relocations.Select(r => r.CandidateCount));
    }

    [Theory]
    [InlineData("0:x", "the access string \"0:x\" is not a list of non-negative numbers separated by ':'")]
    [InlineData(":1", "the access string \":1\" is empty or starts with ':'")]
    [InlineData("0:5", "\"0:5\": struct s has 2 members, no member 5")]
    [InlineData("0:1:0", "\"0:1:0\" (at index 2) goes into [1] int int, which has no members or elements")]
    public void Malformed_access_strings_are_precise_errors(string access, string reason)
    {
        var error = Assert.Throws<CoreRelocationException>(() =>
            Apply(LocalPair(), LocalPair(), [Mov(4), ExitInstruction], Relo(0, 2, access, BtfCoreRelocationKind.FieldByteOffset)));
        Assert.Equal($"CO-RE relocation #0 of program 'test_prog' at instruction 0 (<byte_off> [2] struct s + {access}): {reason}", error.Message);
    }

    [Fact]
    public void An_instruction_that_does_not_hold_the_local_value_is_refused()
    {
        var error = Assert.Throws<CoreRelocationException>(() =>
            Apply(LocalPair(), LocalPair(), [Mov(5), ExitInstruction], Relo(0, 2, "0:1", BtfCoreRelocationKind.FieldByteOffset)));
        Assert.EndsWith("the ALU instruction holds 5, but the local BTF gives 4 (expected before relocating to 4)", error.Message);

        var register = Assert.Throws<CoreRelocationException>(() =>
            Apply(LocalPair(), LocalPair(), [new Instruction(0x0f, 0, 1, 0, 0), ExitInstruction], Relo(0, 2, "0:1", BtfCoreRelocationKind.FieldByteOffset)));
        Assert.Contains("takes a register operand", register.Message);
    }

    [Fact]
    public void An_anonymous_local_type_is_refused_and_an_unknown_type_id_too()
    {
        var local = new BtfBlob().Int("int", 4, true).Struct("", 4, ("a", 1, 0));
        var anonymous = Assert.Throws<CoreRelocationException>(() =>
            Apply(local, local, [Mov(0), ExitInstruction], Relo(0, 2, "0:0", BtfCoreRelocationKind.FieldByteOffset)));
        Assert.Contains("the local type is anonymous", anonymous.Message);

        var unknown = Assert.Throws<CoreRelocationException>(() =>
            Apply(local, local, [Mov(0), ExitInstruction], Relo(0, 9, "0:0", BtfCoreRelocationKind.FieldByteOffset)));
        Assert.Contains("local type [9] does not exist", unknown.Message);
    }
}
