using System.Buffers.Binary;
using System.Net;
using Ebpf.Maps;
using static Ebpf.Tests.Maps.MapTestHelpers;

namespace Ebpf.Tests.Maps;

/// <summary>BPF_MAP_TYPE_LPM_TRIE: longest-prefix lookups for IPv4 and IPv6, exact updates and deletes, walk order.</summary>
public class LpmTrieMapTests
{
    private static byte[] Key(string cidr)
    {
        var parts = cidr.Split('/');
        var address = IPAddress.Parse(parts[0]).GetAddressBytes();
        int length = parts.Length > 1 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : address.Length * 8;
        var key = new byte[4 + address.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(key, (uint)length);
        address.CopyTo(key, 4);
        return key;
    }

    private static string Cidr(byte[] key)
    {
        var address = new IPAddress(key.AsSpan(4).ToArray());
        return $"{address}/{ReadU32(key)}";
    }

    private static Map Trie(int dataBytes, uint maxEntries = 64) =>
        Create(MapType.LpmTrie, (uint)(4 + dataBytes), 8, maxEntries, MapCreationFlags.NoPrealloc);

    private static ulong? Match(Map trie, string address) => trie.Lookup(Key(address)) is { } value ? ReadU64(value) : null;

    [Fact]
    public void IPv4_lookups_return_the_longest_matching_prefix()
    {
        using var trie = Trie(4);
        trie.Update(Key("0.0.0.0/0"), U64(0));
        trie.Update(Key("10.0.0.0/8"), U64(8));
        trie.Update(Key("10.1.0.0/16"), U64(16));
        trie.Update(Key("10.1.2.0/24"), U64(24));
        trie.Update(Key("10.1.2.3/32"), U64(32));
        trie.Update(Key("192.168.0.0/17"), U64(17));
        Assert.Equal(32UL, Match(trie, "10.1.2.3"));
        Assert.Equal(24UL, Match(trie, "10.1.2.4"));
        Assert.Equal(16UL, Match(trie, "10.1.3.1"));
        Assert.Equal(8UL, Match(trie, "10.200.0.1"));
        Assert.Equal(0UL, Match(trie, "11.0.0.1"));
        Assert.Equal(17UL, Match(trie, "192.168.127.255"));
        Assert.Equal(0UL, Match(trie, "192.168.128.0"));
        Assert.Equal(8UL, ReadU64(ProgramLookup(trie, Key("10.9.9.9"))));
    }

    [Fact]
    public void The_key_prefix_length_limits_the_match()
    {
        using var trie = Trie(4);
        trie.Update(Key("10.0.0.0/8"), U64(8));
        trie.Update(Key("10.1.0.0/16"), U64(16));
        Assert.Equal(8UL, Match(trie, "10.1.2.3/12"));
        Assert.Equal(16UL, Match(trie, "10.1.2.3/16"));
        Assert.Null(Match(trie, "10.1.2.3/7"));
    }

    [Fact]
    public void Without_a_covering_prefix_lookup_finds_nothing()
    {
        using var trie = Trie(4);
        trie.Update(Key("10.0.0.0/8"), U64(8));
        Assert.Null(Match(trie, "11.0.0.1"));
        Assert.Equal(0, ProgramLookup(trie, Key("11.0.0.1")));
    }

    [Fact]
    public void IPv6_lookups_return_the_longest_matching_prefix()
    {
        using var trie = Trie(16);
        trie.Update(Key("2001:db8::/32"), U64(32));
        trie.Update(Key("2001:db8:1::/48"), U64(48));
        trie.Update(Key("2001:db8:1:2::/64"), U64(64));
        trie.Update(Key("2001:db8:1:2::1/128"), U64(128));
        trie.Update(Key("2001:db8:8000::/33"), U64(33));
        Assert.Equal(128UL, Match(trie, "2001:db8:1:2::1"));
        Assert.Equal(64UL, Match(trie, "2001:db8:1:2::2"));
        Assert.Equal(48UL, Match(trie, "2001:db8:1:3::1"));
        Assert.Equal(32UL, Match(trie, "2001:db8:2::1"));
        Assert.Equal(33UL, Match(trie, "2001:db8:ffff::1"));
        Assert.Null(Match(trie, "2001:db9::1"));
    }

    [Fact]
    public void Update_and_delete_match_exactly_and_ignore_bits_beyond_the_prefix()
    {
        using var trie = Trie(4, maxEntries: 2);
        trie.Update(Key("10.1.2.3/8"), U64(1));
        Assert.Equal(Errno.EEXIST, ErrnoOf(() => trie.Update(Key("10.0.0.0/8"), U64(2), MapUpdateFlags.NoExist)));
        trie.Update(Key("10.9.9.9/8"), U64(2), MapUpdateFlags.Exist);
        Assert.Equal(2UL, Match(trie, "10.0.0.1"));
        Assert.Equal(Errno.ENOENT, ErrnoOf(() => trie.Update(Key("10.0.0.0/9"), U64(3), MapUpdateFlags.Exist)));
        Assert.Equal(Errno.EINVAL, ErrnoOf(() => trie.Update(Key("10.0.0.0/33"), U64(3))));
        Assert.Equal(Errno.EINVAL, ErrnoOf(() => trie.Update(Key("10.0.0.0/8"), U64(3), MapUpdateFlags.Lock)));
        trie.Update(Key("11.0.0.0/8"), U64(11));
        Assert.Equal(Errno.ENOSPC, ErrnoOf(() => trie.Update(Key("12.0.0.0/8"), U64(12))));
        trie.Update(Key("11.0.0.0/8"), U64(111));
        Assert.False(trie.Delete(Key("10.0.0.0/16")));
        Assert.Equal(Errno.EINVAL, ErrnoOf(() => trie.Delete(Key("10.0.0.0/40"))));
        Assert.True(trie.Delete(Key("10.200.0.0/8")));
        Assert.Null(Match(trie, "10.0.0.1"));
        trie.Update(Key("12.0.0.0/8"), U64(12));
    }

    [Fact]
    public void Next_key_walks_more_specific_prefixes_first_as_the_kernel_does()
    {
        using var trie = Trie(4);
        foreach (var cidr in new[] { "192.168.0.0/16", "192.168.0.0/24", "192.168.128.0/24", "192.168.1.0/24", "10.0.0.0/8", "0.0.0.0/0" })
            trie.Update(Key(cidr), U64(1));
        Assert.Equal(
            ["10.0.0.0/8", "192.168.0.0/24", "192.168.1.0/24", "192.168.128.0/24", "192.168.0.0/16", "0.0.0.0/0"],
            trie.Keys().Select(Cidr));
        var first = new byte[8];
        Assert.True(trie.TryGetNextKey(Key("172.16.0.0/12"), first));
        Assert.Equal("10.0.0.0/8", Cidr(first));
        Assert.False(trie.TryGetNextKey(Key("0.0.0.0/0"), first));
    }

    [Fact]
    public void Next_key_returns_the_key_bytes_the_prefix_was_stored_with()
    {
        using var trie = Trie(4);
        trie.Update(Key("10.1.2.3/8"), U64(1));
        Assert.Equal("10.1.2.3/8", Cidr(trie.Keys().Single()));
    }
}
