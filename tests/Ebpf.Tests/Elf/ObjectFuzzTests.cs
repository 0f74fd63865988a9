using System.Buffers.Binary;
using CsCheck;
using Ebpf.Elf;

namespace Ebpf.Tests.Elf;

/// <summary>Hostile input: mutated copies of the committed objects either load or fail with an EbpfException, promptly.</summary>
public class ObjectFuzzTests
{
    private static readonly byte[][] Objects = TestObjects.All.Select(TestObjects.Bytes).ToArray();

    private static readonly Gen<byte[]> Mutated =
        Gen.Int[0, Objects.Length - 1].SelectMany(index => Gen.OneOf(BitFlips(Objects[index]), Truncation(Objects[index]), SectionField(Objects[index]), Overwrite(Objects[index])));

    [Fact]
    public async Task Mutated_objects_load_or_throw_an_ebpf_exception()
    {
        var run = Task.Run(() => Mutated.Sample(bytes =>
        {
            try
            {
                ObjectFile.Load(bytes);
            }
            catch (EbpfException)
            {
            }
        }, iter: 5000, threads: 1));
        await run.WaitAsync(TimeSpan.FromMinutes(2));
    }

    private static Gen<byte[]> BitFlips(byte[] original) =>
        Gen.Int[0, original.Length * 8 - 1].Array[1, 8].Select(bits =>
        {
            var copy = (byte[])original.Clone();
            foreach (int bit in bits) copy[bit / 8] ^= (byte)(1 << (bit % 8));
            return copy;
        });

    private static Gen<byte[]> Truncation(byte[] original) => Gen.Int[0, original.Length - 1].Select(length => original[..length]);

    /// <summary>A random value in one field (name, type, flags, offset, size, link, info, entry size) of one section header.</summary>
    private static Gen<byte[]> SectionField(byte[] original)
    {
        ulong table = BinaryPrimitives.ReadUInt64LittleEndian(original.AsSpan(40));
        int count = BinaryPrimitives.ReadUInt16LittleEndian(original.AsSpan(60));
        return Gen.Select(Gen.Int[0, count - 1], Gen.OneOfConst(0, 4, 8, 24, 32, 40, 44, 56), Gen.OneOf(Gen.ULong, Gen.ULong[0, 256]), (section, field, value) =>
        {
            var copy = (byte[])original.Clone();
            int at = (int)table + section * 64 + field;
            if (field is 0 or 4 or 40 or 44) BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(at), (uint)value);
            else BinaryPrimitives.WriteUInt64LittleEndian(copy.AsSpan(at), value);
            return copy;
        });
    }

    /// <summary>Random 32-bit words written over a random place: hits BTF, symbols, relocations and code alike.</summary>
    private static Gen<byte[]> Overwrite(byte[] original) =>
        Gen.Select(Gen.Int[0, original.Length - 4], Gen.UInt.Array[1, 4], (offset, words) =>
        {
            var copy = (byte[])original.Clone();
            for (int i = 0; i < words.Length && offset + 4 * i + 4 <= copy.Length; i++)
                BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(offset + 4 * i), words[i]);
            return copy;
        });
}
