using System.Text;
using Ebpf.Maps;
using Ebpf.Runtime;

namespace Ebpf.Helpers.Linux.Printf;

/// <summary>
/// The kernel's printf for BPF programs (<c>bpf_trace_printk</c>, <c>bpf_snprintf</c>): the checks and argument
/// capture of <c>bpf_bprintf_prepare</c> (kernel/bpf/helpers.c) followed by the rendering of <c>bstr_printf</c>
/// (lib/vsprintf.c). Accepted: <c>%d %i %u %x %X</c> with <c>l</c>/<c>ll</c>, <c>%c</c>, <c>%s</c>, <c>%%</c>,
/// <c>%p</c> (hashed), <c>%pK</c>, <c>%px</c>, <c>%ps %pS %pB</c>, <c>%pks %pus</c>, <c>%pI4 %pi4 %pI6 %pi6</c>;
/// flags <c>0 + - space</c> and a width; no precision, no <c>#</c>, no <c>h</c>. Anything else, an ASCII control
/// character, a non-ASCII byte after <c>%</c>, or more conversions than arguments is -EINVAL; other bytes of 0x80 and
/// above pass through as text (UTF-8), as Linux 6.18 allows.
/// </summary>
internal static class BpfPrintf
{
    /// <summary>MAX_BPRINTF_VARARGS: the most arguments of <c>bpf_snprintf</c>.</summary>
    public const int MaxArguments = 12;

    /// <summary>MAX_BPRINTF_BIN_ARGS: the per-call buffer that holds captured arguments and strings.</summary>
    public const int ArgumentBufferSize = 512;

    /// <summary>MAX_BPRINTF_BUF: the buffer <c>bpf_trace_printk</c> formats into.</summary>
    public const int TraceBufferSize = 1024;

    private const int FieldWidthMax = (1 << 23) - 1;

    /// <summary>
    /// Checks <paramref name="format"/> (without its NUL) against <paramref name="arguments"/> and captures strings and
    /// addresses the way the kernel does. Returns 0 and the conversions, or a negative errno.
    /// </summary>
    public static int Prepare(ReadOnlySpan<byte> format, ReadOnlySpan<ulong> arguments, RunContext context, out List<PrintfSpec> specs)
    {
        specs = [];
        int used = 0;   // bytes of the kernel's 512-byte argument buffer taken so far
        int next = 0;   // the next argument
        for (int i = 0; i < format.Length; i++)
        {
            byte c = format[i];
            // Plain text may hold bytes >= 0x80 (UTF-8), not ASCII control characters (Linux 6.18+).
            if (IsAscii(c) && !IsPrint(c) && !IsSpace(c)) return -Errno.EINVAL;
            if (c != '%') continue;
            if (At(format, i + 1) == '%')
            {
                i++;
                continue;
            }
            if (next >= arguments.Length) return -Errno.EINVAL;
            int start = i;
            i++;
            if (!IsAscii(At(format, i))) return -Errno.EINVAL;   // conversions are ASCII only
            var flags = PrintfFlags.None;
            for (; ; i++)
            {
                byte f = At(format, i);
                if (f == '0') flags |= PrintfFlags.ZeroPad;
                else if (f == '+') flags |= PrintfFlags.Plus;
                else if (f == '-') flags |= PrintfFlags.Left;
                else if (f == ' ') flags |= PrintfFlags.Space;
                else break;
            }
            int width = -1;
            if (At(format, i) is >= (byte)'1' and <= (byte)'9')
            {
                long w = 0;
                while (At(format, i) is >= (byte)'0' and <= (byte)'9') w = Math.Min(w * 10 + At(format, i++) - '0', FieldWidthMax);
                width = (int)w;
            }
            ulong argument = arguments[next];
            byte conversion = At(format, i);
            PrintfSpec spec;
            if (conversion == 'p')
            {
                int err = PreparePointer(format, ref i, start, flags, width, argument, context, ref used, out spec);
                if (err != 0) return err;
            }
            else if (conversion == 's')
            {
                int err = PrepareString(format, i, start, flags, width, argument, ProbeSource.Any, context, ref used, out spec);
                if (err != 0) return err;
            }
            else if (conversion == 'c')
            {
                if (used >= ArgumentBufferSize) return -Errno.ENOSPC;
                used++;
                spec = new PrintfSpec(start, i + 1, PrintfKind.Char, flags, width, 8, (byte)argument, null);
            }
            else
            {
                int bits = 32;
                if (At(format, i) == 'l') { bits = 64; i++; }
                if (At(format, i) == 'l') { bits = 64; i++; }
                var kind = At(format, i) switch
                {
                    (byte)'d' or (byte)'i' => PrintfKind.Signed,
                    (byte)'u' => PrintfKind.Unsigned,
                    (byte)'x' => PrintfKind.HexLower,
                    (byte)'X' => PrintfKind.HexUpper,
                    _ => (PrintfKind?)null,
                };
                if (kind is null) return -Errno.EINVAL;
                if (!TakeNumber(ref used, bits / 8)) return -Errno.ENOSPC;
                spec = new PrintfSpec(start, i + 1, kind.Value, flags, width, bits, argument, null);
            }
            specs.Add(spec);
            next++;
        }
        return 0;
    }

    private static int PreparePointer(ReadOnlySpan<byte> format, ref int i, int start, PrintfFlags flags, int width, ulong argument,
        RunContext context, ref int used, out PrintfSpec spec)
    {
        spec = null!;
        byte next = At(format, i + 1);
        int end = PointerEnd(format, i + 1);
        if (next == 0 || IsSpace(next) || IsPunct(next))
        {
            if (!TakeNumber(ref used, 8)) return -Errno.ENOSPC;
            spec = new PrintfSpec(start, end, PrintfKind.HashedPointer, flags, width, 64, argument, null);
            return 0;
        }
        if ((next == 'k' || next == 'u') && At(format, i + 2) == 's')
        {
            i += 2;
            int err = PrepareString(format, i, start, flags, width, argument,
                next == 'k' ? ProbeSource.Kernel : ProbeSource.User, context, ref used, out var captured);
            if (err != 0) return err;
            spec = captured with { End = end, Kind = PrintfKind.Prerendered };
            return 0;
        }
        if (next is (byte)'K' or (byte)'x' or (byte)'s' or (byte)'S')
        {
            i++;
            if (!TakeNumber(ref used, 8)) return -Errno.ENOSPC;
            var kind = next switch { (byte)'x' => PrintfKind.RawPointer, (byte)'K' => PrintfKind.HashedPointer, _ => PrintfKind.Symbol };
            spec = new PrintfSpec(start, end, kind, flags, width, 64, argument, null);
            return 0;
        }
        if (next == 'B')
        {
            i++;
            spec = new PrintfSpec(start, end, PrintfKind.Prerendered, flags, width, 64, argument,
                Prerender(Encoding.ASCII.GetBytes($"0x{argument:x}"), ref used));
            return 0;
        }
        byte version = At(format, i + 2);
        if (next != 'i' && next != 'I' || version != '4' && version != '6') return -Errno.EINVAL;
        i += 2;
        int size = version == '4' ? 4 : 16;
        if (ArgumentBufferSize - used < size) return -Errno.ENOSPC;
        Span<byte> address = stackalloc byte[16];
        address = address[..size];
        // copy_from_kernel_nofault: an unreadable address prints as zeros.
        if (!ProbeReads.TryCopy(context, argument, address, ProbeSource.Kernel)) address.Clear();
        string text = size == 4 ? Ipv4(address, padded: next == 'i') : Ipv6(address, colons: next == 'I');
        spec = new PrintfSpec(start, end, PrintfKind.Prerendered, flags, width, 64, argument, Prerender(Encoding.ASCII.GetBytes(text), ref used));
        return 0;
    }

    private static int PrepareString(ReadOnlySpan<byte> format, int i, int start, PrintfFlags flags, int width, ulong argument,
        ProbeSource source, RunContext context, ref int used, out PrintfSpec spec)
    {
        spec = null!;
        byte after = At(format, i + 1);
        if (after != 0 && !IsSpace(after) && !IsPunct(after)) return -Errno.EINVAL;
        if (used >= ArgumentBufferSize) return -Errno.ENOSPC;
        var buffer = new byte[ArgumentBufferSize - used];
        int copied = ProbeReads.CopyString(context, argument, buffer, source);
        if (copied < 0) copied = 1; // an unreadable string prints as ""
        used += copied;
        spec = new PrintfSpec(start, i + 1, PrintfKind.String, flags, width, 64, argument, buffer[..(copied - 1)]);
        return 0;
    }

    /// <summary>Keeps text made now (snprintf into what is left of the argument buffer: cut to fit, NUL included).</summary>
    private static byte[] Prerender(byte[] text, ref int used)
    {
        int room = Math.Max(ArgumentBufferSize - used, 0);
        var kept = room == 0 ? [] : text[..Math.Min(text.Length, room - 1)];
        used += text.Length + 1;
        return kept;
    }

    private static bool TakeNumber(ref int used, int size)
    {
        used = (used + 3) & ~3;
        if (ArgumentBufferSize - used < size) return false;
        used += size;
        return true;
    }

    /// <summary>
    /// bstr_printf: renders the format with the captured conversions into <paramref name="output"/> (at most its length
    /// minus one bytes, then a NUL, when it is not empty) and returns the length of the whole text.
    /// </summary>
    public static int Render(ReadOnlySpan<byte> format, IReadOnlyList<PrintfSpec> specs, Span<byte> output)
    {
        var writer = new Writer(output);
        int position = 0;
        foreach (var spec in specs)
        {
            Literal(format[position..spec.Start], ref writer);
            Conversion(spec, ref writer);
            position = spec.End;
        }
        Literal(format[position..], ref writer);
        if (output.Length > 0) output[(int)Math.Min(writer.Length, output.Length - 1)] = 0;
        return (int)Math.Min(writer.Length, int.MaxValue);
    }

    private static void Literal(ReadOnlySpan<byte> text, ref Writer writer)
    {
        for (int i = 0; i < text.Length; i++)
        {
            writer.Put(text[i]);
            if (text[i] == '%') i++; // "%%" prints one '%'
        }
    }

    private static void Conversion(PrintfSpec spec, ref Writer writer)
    {
        switch (spec.Kind)
        {
            case PrintfKind.Signed:
                long signed = spec.Bits == 32 ? (int)spec.Value : (long)spec.Value;
                Number(ref writer, (ulong)signed, 10, signedConversion: true, small: false, spec.Flags, spec.Width);
                break;
            case PrintfKind.Unsigned or PrintfKind.HexLower or PrintfKind.HexUpper:
                ulong value = spec.Bits == 32 ? (uint)spec.Value : spec.Value;
                Number(ref writer, value, spec.Kind == PrintfKind.Unsigned ? 10 : 16, false, spec.Kind == PrintfKind.HexLower, spec.Flags, spec.Width);
                break;
            case PrintfKind.Char:
                Padded(ref writer, [(byte)spec.Value], spec.Flags, spec.Width);
                break;
            case PrintfKind.String:
                Padded(ref writer, spec.Text!, spec.Flags, spec.Width);
                break;
            case PrintfKind.Prerendered:
                // bstr_printf copies text made earlier only while the output has room, and counts it only then.
                if (writer.HasRoom) writer.PutAll(spec.Text!);
                break;
            case PrintfKind.RawPointer:
                PointerNumber(ref writer, spec.Value, spec);
                break;
            case PrintfKind.HashedPointer:
                // NULL and error pointers print as they are; others as a 32-bit keyed hash (ptr_to_id).
                bool plain = spec.Value == 0 || spec.Value >= unchecked((ulong)-4095L);
                PointerNumber(ref writer, plain ? spec.Value : PointerHash.Of(spec.Value), spec);
                break;
            case PrintfKind.Symbol:
                Padded(ref writer, Encoding.ASCII.GetBytes($"0x{spec.Value:x}"), spec.Flags, spec.Width);
                break;
        }
    }

    /// <summary>pointer_string: hexadecimal, 16 digits with zeros unless a width was given.</summary>
    private static void PointerNumber(scoped ref Writer writer, ulong value, PrintfSpec spec)
    {
        var flags = spec.Flags;
        int width = spec.Width;
        if (width == -1)
        {
            width = 16;
            flags |= PrintfFlags.ZeroPad;
        }
        Number(ref writer, value, 16, false, small: true, flags & ~(PrintfFlags.Plus | PrintfFlags.Space), width);
    }

    /// <summary>The kernel's <c>number()</c> with no precision.</summary>
    private static void Number(scoped ref Writer writer, ulong number, int radix, bool signedConversion, bool small, PrintfFlags flags, int width)
    {
        if ((flags & PrintfFlags.Left) != 0) flags &= ~PrintfFlags.ZeroPad;
        byte sign = 0;
        if (signedConversion)
        {
            if ((long)number < 0)
            {
                sign = (byte)'-';
                number = (ulong)-(long)number;
                width--;
            }
            else if ((flags & PrintfFlags.Plus) != 0)
            {
                sign = (byte)'+';
                width--;
            }
            else if ((flags & PrintfFlags.Space) != 0)
            {
                sign = (byte)' ';
                width--;
            }
        }
        Span<byte> digits = stackalloc byte[24];
        int count = 0;
        string alphabet = small ? "0123456789abcdef" : "0123456789ABCDEF";
        do
        {
            digits[count++] = (byte)alphabet[(int)(number % (ulong)radix)];
            number /= (ulong)radix;
        } while (number != 0);
        width -= count;
        if ((flags & (PrintfFlags.ZeroPad | PrintfFlags.Left)) == 0)
            while (--width >= 0) writer.Put((byte)' ');
        if (sign != 0) writer.Put(sign);
        if ((flags & PrintfFlags.Left) == 0)
        {
            byte pad = (flags & PrintfFlags.ZeroPad) != 0 ? (byte)'0' : (byte)' ';
            while (--width >= 0) writer.Put(pad);
        }
        while (--count >= 0) writer.Put(digits[count]);
        while (--width >= 0) writer.Put((byte)' ');
    }

    /// <summary>Text padded with spaces to the width, on the left unless the '-' flag is set.</summary>
    private static void Padded(ref Writer writer, scoped ReadOnlySpan<byte> text, PrintfFlags flags, int width)
    {
        int pad = Math.Max(width - text.Length, 0);
        bool left = (flags & PrintfFlags.Left) != 0;
        if (!left) writer.Repeat((byte)' ', pad);
        writer.PutAll(text);
        if (left) writer.Repeat((byte)' ', pad);
    }

    private static string Ipv4(ReadOnlySpan<byte> a, bool padded) => padded
        ? $"{a[0]:D3}.{a[1]:D3}.{a[2]:D3}.{a[3]:D3}"
        : $"{a[0]}.{a[1]}.{a[2]}.{a[3]}";

    private static string Ipv6(ReadOnlySpan<byte> a, bool colons)
    {
        var text = new StringBuilder(39);
        for (int i = 0; i < 8; i++)
        {
            text.Append($"{a[2 * i]:x2}{a[2 * i + 1]:x2}");
            if (colons && i != 7) text.Append(':');
        }
        return text.ToString();
    }

    /// <summary>Where the printer's <c>%p…</c> conversion ends: it skips every letter and digit after the <c>p</c>.</summary>
    private static int PointerEnd(ReadOnlySpan<byte> format, int index)
    {
        while (index < format.Length && IsAlphanumeric(format[index])) index++;
        return index;
    }

    private static byte At(ReadOnlySpan<byte> format, int index) => index < format.Length ? format[index] : (byte)0;

    private static bool IsAscii(byte c) => c < 0x80;

    private static bool IsPrint(byte c) => c is >= 0x20 and < 0x7f;

    // The kernel's ctype table (lib/ctype.c) is Latin-1: it matters where the parser looks one byte past a conversion.

    private static bool IsSpace(byte c) => c is (byte)' ' or >= 9 and <= 13 or 0xa0;

    private static bool IsPunct(byte c) =>
        c is >= 0x21 and <= 0x2f or >= 0x3a and <= 0x40 or >= 0x5b and <= 0x60 or >= 0x7b and <= 0x7e or >= 0xa1 and <= 0xbf or 0xd7 or 0xf7;

    private static bool IsAlphanumeric(byte c) =>
        c is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= 0xc0 and not 0xd7 and not 0xf7;

    /// <summary>Writes into a bounded buffer and counts every byte, written or not (vsnprintf's length).</summary>
    private ref struct Writer(Span<byte> output)
    {
        private readonly Span<byte> _output = output;

        public long Length { get; private set; }

        public readonly bool HasRoom => Length < _output.Length;

        public void Put(byte b)
        {
            if (Length < _output.Length) _output[(int)Length] = b;
            Length++;
        }

        public void PutAll(scoped ReadOnlySpan<byte> bytes)
        {
            foreach (byte b in bytes) Put(b);
        }

        public void Repeat(byte b, int count)
        {
            for (int i = 0; i < count; i++) Put(b);
        }
    }
}
