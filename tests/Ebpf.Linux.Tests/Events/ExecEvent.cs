using System.Runtime.InteropServices;
using System.Text;

namespace Ebpf.Linux.Tests.Events;

/// <summary>The record tests/objects/exec_events.c sends, <c>struct exec_event</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ExecEvent
{
    public uint Pid;
    public uint Tid;
    public int TracepointPid;
    public uint FilenameLength;
    public fixed byte CommBytes[16];
    public fixed byte FilenameBytes[128];

    public string Comm
    {
        get
        {
            fixed (byte* comm = CommBytes) return Text(new ReadOnlySpan<byte>(comm, 16));
        }
    }

    public string Filename
    {
        get
        {
            fixed (byte* name = FilenameBytes) return Text(new ReadOnlySpan<byte>(name, 128));
        }
    }

    private static string Text(ReadOnlySpan<byte> bytes)
    {
        int end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }
}
