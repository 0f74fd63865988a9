// The Internet checksum (RFC 1071) of a buffer: r1 = the bytes, r2 = their length, r0 = the checksum.
// Run it with: ebpf exec examples/exec/ipv4_checksum.o --mem-file examples/exec/ipv4_header.bin
typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long u64;

u64 checksum(const u8 *data, u64 length)
{
    u32 sum = 0;
    for (u64 i = 0; i + 1 < length; i += 2)
        sum += (u32)data[i] << 8 | data[i + 1];
    if (length & 1)
        sum += (u32)data[length - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (u64)(~sum & 0xffff);
}
