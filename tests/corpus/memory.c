// Loads and stores of every width, sign-extending loads, stores of immediates, volatile stores and memcpy.
typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;

struct record {
    u8 tag;
    signed char delta;
    u16 port;
    short offset;
    u32 length;
    int balance;
    u64 id;
    long long stamp;
};

__attribute__((section("socket"), used))
int memory(struct record *in, u64 *out)
{
    volatile struct record copy;
    struct record local;
    __builtin_memcpy(&local, in, sizeof(local));
    copy.tag = 0xab;
    copy.delta = -3;
    copy.port = 0x1234;
    copy.offset = -300;
    copy.length = 0xffffffff;
    copy.balance = -70000;
    copy.id = 0x1122334455667788ULL;
    copy.stamp = -1;
    out[0] = (long long)in->delta + (long long)in->offset + (long long)in->balance;
    out[1] = (u64)in->tag + in->port + in->length + in->id + (u64)in->stamp;
    out[2] = (u64)(long long)local.delta * local.port + copy.length;
    out[3] = copy.id + (u64)copy.stamp;
    volatile u8 bytes[24];
    for (int i = 0; i < 24; i++)
        bytes[i] = (u8)(i * 7);
    __builtin_memcpy(&out[4], in, 32);
    volatile u16 halves[2] = { 0xbeef, 0xdead };
    out[8] = bytes[3] + halves[1];
    return (int)(signed char)in->tag;
}
