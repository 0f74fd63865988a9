using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ebpf.ProgramTypes;

/// <summary>
/// The generic "host event" program type: the context is a structure the host application defines, built from a
/// field list or from an unmanaged C# struct. Programs get a pointer to it in r1; the verifier checks accesses against
/// its fields like any kernel context; test runs take the structure's bytes and give them back after the run.
/// </summary>
public static class HostEventType
{
    /// <summary>Creates a host-event type named <paramref name="name"/> with a context of <paramref name="contextSize"/> bytes.</summary>
    /// <param name="name">The type's name, for reports.</param>
    /// <param name="contextSize">The structure's size in bytes.</param>
    /// <param name="fields">Its fields; each must lie inside the structure and have a size of 1, 2, 4, 8 or an array of those.</param>
    /// <param name="returnRange">The values programs may return, or null for any.</param>
    /// <exception cref="ArgumentException">A field lies outside the structure or has an impossible size.</exception>
    public static ProgramType Create(string name, int contextSize, IReadOnlyList<ContextField> fields, ReturnRange? returnRange = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(contextSize);
        foreach (var field in fields)
        {
            if (field.Offset < 0 || field.End > contextSize)
                throw new ArgumentException($"host event '{name}': field '{field.Name}' ({field.Offset}..{field.End}) lies outside the {contextSize}-byte context", nameof(fields));
            if (field.Size <= 0 || (field.ElementSize == 0 && field.Size is not (1 or 2 or 4 or 8)) ||
                (field.ElementSize > 0 && field.Size % field.ElementSize != 0))
                throw new ArgumentException($"host event '{name}': field '{field.Name}' has size {field.Size}; give 1, 2, 4 or 8 bytes, or an array (ElementSize) of those", nameof(fields));
            if (field.IsPacketPointer)
                throw new ArgumentException($"host event '{name}': field '{field.Name}' cannot be a packet pointer: host events carry no packet", nameof(fields));
        }
        return new ProgramType(name, ProgramType.UserSpaceOnly, contextSize, [.. fields.OrderBy(f => f.Offset)], PacketLayout.None,
            new Dictionary<uint, string>()) { ReturnRange = returnRange };
    }

    /// <summary>
    /// Creates a host-event type whose context is <typeparamref name="T"/>: one field per primitive field (nested
    /// structs flattened as <c>outer.inner</c>, fixed buffers as arrays), loadable narrow (any aligned part).
    /// </summary>
    /// <typeparam name="T">An unmanaged struct with sequential or explicit layout.</typeparam>
    /// <param name="name">The type's name; default the struct's name.</param>
    /// <param name="writableFields">Names of the fields programs may store to.</param>
    /// <param name="returnRange">The values programs may return, or null for any.</param>
    /// <exception cref="ArgumentException">A field's type has no eBPF counterpart (bool, char, references, …).</exception>
    public static ProgramType FromStruct<T>(string? name = null, IEnumerable<string>? writableFields = null, ReturnRange? returnRange = null)
        where T : unmanaged
    {
        var writable = new HashSet<string>(writableFields ?? []);
        var fields = new List<ContextField>();
        Flatten(typeof(T), "", 0, fields, writable);
        var unknown = writable.Except(fields.Select(f => f.Name)).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentException($"{typeof(T).Name} has no field named {string.Join(", ", unknown)}", nameof(writableFields));
        return Create(name ?? typeof(T).Name, Unsafe.SizeOf<T>(), fields, returnRange);
    }

    private static void Flatten(Type type, string prefix, int baseOffset, List<ContextField> fields, HashSet<string> writable)
    {
        foreach (var member in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            string name = prefix + CleanName(member.Name);
            int offset = baseOffset + (int)Marshal.OffsetOf(type, member.Name);
            var fieldType = member.FieldType;
            if (member.GetCustomAttribute<FixedBufferAttribute>() is { } buffer)
            {
                int element = PrimitiveSize(buffer.ElementType, name, type);
                fields.Add(new ContextField(name, offset, element * buffer.Length, Writable: writable.Contains(name))
                {
                    ElementSize = element, ReadSizes = AccessSizesExtensions.UpTo(element),
                    WriteSizes = AccessSizesExtensions.Exactly(element),
                });
            }
            else if (fieldType.IsPrimitive || fieldType.IsEnum)
            {
                int size = PrimitiveSize(fieldType.IsEnum ? Enum.GetUnderlyingType(fieldType) : fieldType, name, type);
                fields.Add(new ContextField(name, offset, size, Writable: writable.Contains(name)).Narrow());
            }
            else if (fieldType.IsValueType && !fieldType.IsGenericType)
            {
                Flatten(fieldType, name + ".", offset, fields, writable);
            }
            else
            {
                throw new ArgumentException($"{type.Name}.{member.Name} is a {fieldType.Name}: host-event contexts hold numbers, fixed buffers and structs of them only");
            }
        }
    }

    private static int PrimitiveSize(Type type, string name, Type owner)
    {
        if (type == typeof(byte) || type == typeof(sbyte)) return 1;
        if (type == typeof(short) || type == typeof(ushort)) return 2;
        if (type == typeof(int) || type == typeof(uint) || type == typeof(float)) return 4;
        if (type == typeof(long) || type == typeof(ulong) || type == typeof(double) || type == typeof(nint) || type == typeof(nuint)) return 8;
        throw new ArgumentException($"{owner.Name}.{name} is a {type.Name}, which has no fixed eBPF width; use a sized integer (byte for bool, ushort for char)");
    }

    /// <summary>Auto-property backing fields (<c>&lt;Name&gt;k__BackingField</c>) are named after their property.</summary>
    private static string CleanName(string name) =>
        name.StartsWith('<') && name.IndexOf('>') is int end and > 0 ? name[1..end] : name;
}
