using System.Security.Cryptography;

namespace Ebpf.Helpers.Linux.Printf;

/// <summary>
/// What <c>%p</c> prints instead of an address, as the kernel's <c>ptr_to_id</c>: a 32-bit hash keyed with a secret
/// chosen once per process, so the same pointer prints the same within a run of the host but leaks nothing.
/// </summary>
internal static class PointerHash
{
    private static readonly ulong Key = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));

    public static ulong Of(ulong pointer)
    {
        // splitmix64 finalizer over the keyed value; only the low 32 bits are kept, as the kernel keeps them.
        ulong z = pointer ^ Key;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return (z ^ (z >> 31)) & 0xffff_ffffUL;
    }
}
