namespace Ebpf.Maps;

/// <summary>Compares byte arrays by content, and spans against arrays (for allocation-free dictionary probes).</summary>
internal sealed class ByteStringComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    public static readonly ByteStringComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) => ReferenceEquals(x, y) || x is not null && y is not null && x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] obj) => (int)KeyHash.Compute(obj, 0);

    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<byte> alternate) => (int)KeyHash.Compute(alternate, 0);

    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
}
