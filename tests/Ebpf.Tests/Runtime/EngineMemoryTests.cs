using System.Buffers.Binary;
using Ebpf.Isa;
using Ebpf.Runtime;
using Ebpf.Tests.Support;

namespace Ebpf.Tests.Runtime;

/// <summary>Runs on every engine: each engine gets a sealed subclass below.</summary>
public abstract class EngineMemoryTests
{
    protected abstract ExecutionEngine Engine { get; }

    public sealed class OnInterpreter : EngineMemoryTests
    {
        protected override ExecutionEngine Engine => ExecutionEngine.Interpreter;
    }

    public sealed class OnJit : EngineMemoryTests
    {
        protected override ExecutionEngine Engine => ExecutionEngine.Jit;
    }

    private static readonly byte[] Pattern = [0x81, 0x92, 0xa3, 0xb4, 0xc5, 0xd6, 0xe7, 0xf8, 0x01, 0x02];

    [Theory]
    [InlineData(0x71, 1, 0x92UL)]                 // ldxb
    [InlineData(0x69, 1, 0xa392UL)]               // ldxh
    [InlineData(0x61, 1, 0xc5b4a392UL)]           // ldxw
    [InlineData(0x79, 1, 0x01f8e7d6c5b4a392UL)]   // ldxdw
    [InlineData(0x91, 1, 0xffffffffffffff92UL)]   // ldxsb sign-extends
    [InlineData(0x89, 1, 0xffffffffffffa392UL)]   // ldxsh
    [InlineData(0x81, 1, 0xffffffffc5b4a392UL)]   // ldxsw
    [InlineData(0x91, 8, 0x01UL)]                 // ldxsb of a positive byte
    public void Loads_read_little_endian_and_extend(byte opcode, short offset, ulong expected)
    {
        var program = new ProgramBuilder(Engine).Add(opcode, 0, 1, offset).Exit();
        Assert.Equal(expected, program.Run((byte[])Pattern.Clone()));
    }

    [Theory]
    [InlineData(0x72, 1, "00 ef 00 00 00 00 00 00 00 00")]   // stb keeps the low byte of the immediate
    [InlineData(0x6a, 1, "00 ef be 00 00 00 00 00 00 00")]   // sth
    [InlineData(0x62, 1, "00 ef be ad de 00 00 00 00 00")]   // stw
    [InlineData(0x7a, 1, "00 ef be ad de ff ff ff ff 00")]   // stdw sign-extends the immediate
    public void Stores_of_immediates_write_the_access_width(byte opcode, short offset, string expected)
    {
        var memory = new byte[10];
        new ProgramBuilder(Engine).Add(opcode, 1, 0, offset, unchecked((int)0xdeadbeef)).Mov(0, 0).Exit().Run(memory);
        Assert.Equal(expected, Convert.ToHexString(memory).ToLowerInvariant().Chunk(2).Select(c => new string(c)).Aggregate((a, b) => a + " " + b));
    }

    [Theory]
    [InlineData(0x73, "08 00 00 00 00 00 00 00")]
    [InlineData(0x6b, "08 07 00 00 00 00 00 00")]
    [InlineData(0x63, "08 07 06 05 00 00 00 00")]
    [InlineData(0x7b, "08 07 06 05 04 03 02 01")]
    public void Stores_of_registers_write_the_access_width(byte opcode, string expected)
    {
        var memory = new byte[8];
        new ProgramBuilder(Engine).Load64(2, 0x0102030405060708).Add(opcode, 1, 2).Mov(0, 0).Exit().Run(memory);
        Assert.Equal(expected.Replace(" ", ""), Convert.ToHexString(memory).ToLowerInvariant());
    }

    [Fact]
    public void Stack_is_512_bytes_below_r10_and_starts_zeroed()
    {
        // r0 = *(u64 *)(r10 - 512): the lowest slot of the frame is readable and zero.
        var program = new ProgramBuilder(Engine).Add(0x79, 0, 10, -512).Exit();
        Assert.Equal(0UL, program.Run());
    }

    [Fact]
    public void Reading_below_the_stack_frame_faults()
    {
        var program = new ProgramBuilder(Engine).Add(0x79, 0, 10, -520).Exit();
        var fault = Assert.Throws<ProgramFaultException>(() => program.Run()).Fault;
        Assert.Equal(FaultKind.OutOfBounds, fault.Kind);
        Assert.Equal(0, fault.InstructionIndex);
        Assert.Equal(8, fault.Size);
    }

    [Fact]
    public void Reading_past_the_end_of_memory_faults_with_address_and_size()
    {
        var memory = new byte[4];
        var program = new ProgramBuilder(Engine).Mov(0, 0).Add(0x61, 0, 1, 1).Exit();
        var fault = Assert.Throws<ProgramFaultException>(() => program.Run(memory)).Fault;
        Assert.Equal(FaultKind.OutOfBounds, fault.Kind);
        Assert.Equal(1, fault.InstructionIndex);
        Assert.Equal(4, fault.Size);
        Assert.Contains("out-of-bounds read of 4 bytes", fault.Detail);
    }

    [Fact]
    public void A_wild_pointer_never_touches_host_memory()
    {
        var program = new ProgramBuilder(Engine).Load64(1, 0xdead0000).Add(0x7a, 1, 0, 0, 1).Exit();
        var fault = Assert.Throws<ProgramFaultException>(() => program.Run()).Fault;
        Assert.Equal(0xdead0000UL, fault.Address);
        Assert.Contains("write", fault.Detail);
    }

    [Fact]
    public unsafe void Stores_into_a_read_only_region_fault()
    {
        byte[] readOnly = [1, 2, 3, 4];
        fixed (byte* start = readOnly)
        {
            var context = new RunContext { R1 = (ulong)start };
            context.AddRegion((nint)start, readOnly.Length, writable: false, "context");
            var interpreter = ExecutionEngines.Prepare(Engine, new ProgramBuilder(Engine).Add(0x61, 0, 1).Add(0x62, 1, 0, 0, 9).Exit().Build());
            var fault = Assert.Throws<ProgramFaultException>(() => interpreter.Run(context)).Fault;
            Assert.Equal(1, fault.InstructionIndex);
            Assert.Contains("read-only region 'context'", fault.Detail);
        }
        Assert.Equal([1, 2, 3, 4], readOnly);
    }

    [Theory]
    [InlineData(0x00, 0x10UL, 0x1234UL, 0x1244UL, 0x10UL)]                          // add: src unchanged
    [InlineData(0x01, 0x10UL, 0x1234UL, 0x1244UL, 0x1234UL)]                        // fetch add: src = old
    [InlineData(0x40, 0xf0UL, 0x0fUL, 0xffUL, 0xf0UL)]                              // or
    [InlineData(0x41, 0xf0UL, 0x0fUL, 0xffUL, 0x0fUL)]                              // fetch or
    [InlineData(0x50, 0xf0UL, 0x3cUL, 0x30UL, 0xf0UL)]                              // and
    [InlineData(0x51, 0xf0UL, 0x3cUL, 0x30UL, 0x3cUL)]                              // fetch and
    [InlineData(0xa0, 0xffUL, 0x0fUL, 0xf0UL, 0xffUL)]                              // xor
    [InlineData(0xa1, 0xffUL, 0x0fUL, 0xf0UL, 0x0fUL)]                              // fetch xor
    [InlineData(0xe1, 0x1111222233334444UL, 0x5555UL, 0x1111222233334444UL, 0x5555UL)] // xchg
    public void Atomic64_operations(int operation, ulong operand, ulong initial, ulong expectedMemory, ulong expectedSource)
    {
        var memory = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(memory, initial);
        ulong source = new ProgramBuilder(Engine).Load64(2, operand).Add(Opcodes.Atomic64, 1, 2, 0, operation).MovReg(0, 2).Exit().Run(memory);
        Assert.Equal(expectedMemory, BinaryPrimitives.ReadUInt64LittleEndian(memory));
        Assert.Equal(expectedSource, source);
    }

    [Fact]
    public void Atomic32_fetch_zero_extends_and_keeps_the_upper_memory()
    {
        var memory = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(memory, 0xaaaaaaaa_fffffffe);
        ulong source = new ProgramBuilder(Engine).Load64(2, 0xffffffff_00000003).Add(Opcodes.Atomic32, 1, 2, 0, 0x01).MovReg(0, 2).Exit().Run(memory);
        Assert.Equal(0xaaaaaaaa_00000001UL, BinaryPrimitives.ReadUInt64LittleEndian(memory));
        Assert.Equal(0xfffffffeUL, source);
    }

    [Theory]
    [InlineData(0x5UL, 0x5UL, 0x9UL)]   // matches: memory replaced, r0 = old
    [InlineData(0x6UL, 0x5UL, 0x5UL)]   // differs: memory unchanged, r0 = old
    public void Compare_exchange_64(ulong r0, ulong initial, ulong expectedMemory)
    {
        var memory = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(memory, initial);
        ulong result = new ProgramBuilder(Engine).Load64(0, r0).Mov(2, 9).Add(Opcodes.Atomic64, 1, 2, 0, 0xf1).Exit().Run(memory);
        Assert.Equal(initial, result);
        Assert.Equal(expectedMemory, BinaryPrimitives.ReadUInt64LittleEndian(memory));
    }

    [Fact]
    public void Compare_exchange_32_compares_the_low_half_of_r0()
    {
        var memory = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(memory, 7);
        ulong result = new ProgramBuilder(Engine).Load64(0, 0xffffffff_00000007).Mov(2, 9).Add(Opcodes.Atomic32, 1, 2, 0, 0xf1).Exit().Run(memory);
        Assert.Equal(7UL, result);
        Assert.Equal(9U, BinaryPrimitives.ReadUInt32LittleEndian(memory));
    }

    [Fact]
    public void Misaligned_atomics_fault()
    {
        var program = new ProgramBuilder(Engine).Mov(2, 1).Add(Opcodes.Atomic64, 1, 2, 1, 0).Exit();
        var fault = Assert.Throws<ProgramFaultException>(() => program.Run(new byte[16])).Fault;
        Assert.Equal(FaultKind.MisalignedAtomic, fault.Kind);
    }

    [Theory]
    [InlineData(0x30, 0, 3, 0x44UL)]          // ldabsb
    [InlineData(0x28, 0, 2, 0x3344UL)]        // ldabsh: network byte order
    [InlineData(0x20, 0, 1, 0x22334455UL)]    // ldabsw
    [InlineData(0x50, 2, 1, 0x44UL)]          // ldindb: r2 (=2) + 1
    [InlineData(0x48, 2, 0, 0x3344UL)]        // ldindh
    [InlineData(0x20, 0, 3, 0UL)]             // out of bounds: the program ends with r0 = 0
    [InlineData(0x40, 2, 2, 0UL)]
    public void Legacy_packet_loads(byte opcode, byte source, int immediate, ulong expected)
    {
        var program = new ProgramBuilder(Engine).Mov(2, 2).Add(opcode, 0, source, 0, immediate).Exit();
        Assert.Equal(expected, program.Run([0x11, 0x22, 0x33, 0x44, 0x55, 0x66]));
    }
}
