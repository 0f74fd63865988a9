namespace Ebpf.Btf;

/// <summary>Parses <c>.BTF.ext</c>: header, then for each info kind a record size and per-section record blocks.</summary>
internal static class BtfExtReader
{
    private const int MinimumHeaderSize = 24;
    private const int HeaderSizeWithCore = 32;

    public static BtfExt Read(ReadOnlySpan<byte> data, BtfSpec btf)
    {
        ushort magic = BtfBytes.U16(data, 0, "the BTF.ext magic");
        if (magic != BtfReader.Magic) throw new BtfFormatException($"BTF.ext magic 0x{magic:x4} is not 0x{BtfReader.Magic:x4}");
        if (data.Length < MinimumHeaderSize) throw new BtfFormatException($"BTF.ext is {data.Length} bytes, shorter than its {MinimumHeaderSize}-byte header");
        if (data[2] != 1) throw new BtfFormatException($"BTF.ext version {data[2]} is not 1");
        uint headerLength = BtfBytes.U32(data, 4, "the BTF.ext header length");
        if (headerLength < MinimumHeaderSize || headerLength > data.Length)
            throw new BtfFormatException($"BTF.ext header length {headerLength} is not between {MinimumHeaderSize} and the section size {data.Length}");
        var body = data[(int)headerLength..];

        var functions = ReadBlocks(Info(body, data, 8, "func_info"), 8, "func_info", btf,
            (record, index) => new BtfFunctionInfo(index, BtfBytes.U32(record, 4, "a func_info type id")));
        var lines = ReadBlocks(Info(body, data, 16, "line_info"), 16, "line_info", btf, (record, index) =>
        {
            uint column = BtfBytes.U32(record, 12, "a line_info line/column");
            return new BtfLineInfo(index,
                btf.StringAt(BtfBytes.U32(record, 4, "a line_info file name"), $"the file name of line_info at instruction {index}"),
                btf.StringAt(BtfBytes.U32(record, 8, "a line_info line text"), $"the line text of line_info at instruction {index}"),
                column >> 10, column & 0x3ff);
        });
        var core = headerLength >= HeaderSizeWithCore
            ? ReadBlocks(Info(body, data, 24, "core_relo"), 16, "core_relo", btf, (record, index) => new BtfCoreRelocation(index,
                BtfBytes.U32(record, 4, "a core_relo type id"),
                btf.StringAt(BtfBytes.U32(record, 8, "a core_relo access string"), $"the access string of core_relo at instruction {index}"),
                (BtfCoreRelocationKind)BtfBytes.U32(record, 12, "a core_relo kind")))
            : new Dictionary<string, IReadOnlyList<BtfCoreRelocation>>();
        return new BtfExt(functions, lines, core);
    }

    private static ReadOnlySpan<byte> Info(ReadOnlySpan<byte> body, ReadOnlySpan<byte> header, int headerField, string what) =>
        BtfBytes.Slice(body, BtfBytes.U32(header, headerField, $"the {what} offset"), BtfBytes.U32(header, headerField + 4, $"the {what} length"), $"the {what} subsection");

    private delegate T RecordReader<out T>(ReadOnlySpan<byte> record, int instructionIndex);

    private static Dictionary<string, IReadOnlyList<T>> ReadBlocks<T>(ReadOnlySpan<byte> info, int minimumRecordSize, string what, BtfSpec btf, RecordReader<T> read)
    {
        var blocks = new Dictionary<string, IReadOnlyList<T>>(StringComparer.Ordinal);
        if (info.Length == 0) return blocks;
        uint recordSize = BtfBytes.U32(info, 0, $"the {what} record size");
        if (recordSize < minimumRecordSize || recordSize > 1024 || recordSize % 4 != 0)
            throw new BtfFormatException($"{what} record size {recordSize} is not a multiple of 4 between {minimumRecordSize} and 1024");
        for (long offset = 4; offset < info.Length;)
        {
            string section = btf.StringAt(BtfBytes.U32(info, offset, $"the section name of a {what} block"), $"the section name of the {what} block at byte {offset}");
            uint count = BtfBytes.U32(info, offset + 4, $"the record count of the {what} block for '{section}'");
            offset += 8;
            var records = BtfBytes.Slice(info, offset, (long)count * recordSize, $"the {count} {what} records for section '{section}'");
            var list = new List<T>((int)count);
            for (int i = 0; i < count; i++)
            {
                var record = records.Slice(i * (int)recordSize, (int)recordSize);
                uint byteOffset = BtfBytes.U32(record, 0, $"a {what} instruction offset");
                if (byteOffset % 8 != 0)
                    throw new BtfFormatException($"{what} record {i} for section '{section}' has instruction offset {byteOffset}, not a multiple of 8");
                list.Add(read(record, (int)(byteOffset / 8)));
            }
            offset += (long)count * recordSize;
            if (blocks.TryGetValue(section, out var existing)) list.InsertRange(0, existing);
            blocks[section] = list;
        }
        return blocks;
    }
}
