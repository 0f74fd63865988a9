using System.Text;
using Ebpf.Helpers.Linux;
using Ebpf.Runtime;

namespace Ebpf.Tests.Helpers;

/// <summary>The current-task, NUMA and clock helpers on every engine.</summary>
public abstract class TaskAndClockHelperTests
{
    protected abstract ExecutionEngine Engine { get; }

    public sealed class OnInterpreter : TaskAndClockHelperTests
    {
        protected override ExecutionEngine Engine => ExecutionEngine.Interpreter;
    }

    public sealed class OnJit : TaskAndClockHelperTests
    {
        protected override ExecutionEngine Engine => ExecutionEngine.Jit;
    }

    private static readonly TaskIdentity Task = new(4321, 4322, 1000, 100, "worker");

    [Fact]
    public void Pid_tgid_and_uid_gid_come_from_the_host_task()
    {
        var context = new RunContext { Task = Task };
        Assert.Equal(4321UL << 32 | 4322, new HelperRun(Engine).Run("call 14\nexit\n", [], context));
        Assert.Equal(100UL << 32 | 1000, new HelperRun(Engine).Run("call 15\nexit\n", [], context));
    }

    [Fact]
    public void Without_a_task_the_host_thread_is_reported()
    {
        ulong pidTgid = new HelperRun(Engine).Run("call 14\nexit\n", []);
        Assert.Equal((ulong)Environment.ProcessId, pidTgid >> 32);
        Assert.Equal(TaskIdentity.OfCurrentThread().ThreadId, (int)(uint)pidTgid);
    }

    [Theory]
    [InlineData("worker", 16, "worker")]
    [InlineData("worker", 4, "wor")]
    [InlineData("a-name-longer-than-fifteen", 16, "a-name-longer-t")]
    public void Comm_is_cut_terminated_and_zero_padded(string command, int size, string expected)
    {
        var memory = Enumerable.Repeat((byte)0xcc, 20).ToArray();
        var context = new RunContext { Task = Task with { Command = command } };
        Assert.Equal(0UL, new HelperRun(Engine).Run($"r2 = {size}\ncall 16\nexit\n", memory, context));
        byte[] wanted = new byte[size];
        Encoding.ASCII.GetBytes(expected).CopyTo(wanted, 0);
        Assert.Equal(wanted, memory[..size]);
        Assert.Equal(0xcc, memory[size]);
    }

    [Fact]
    public void The_numa_node_is_zero()
    {
        Assert.Equal(0UL, new HelperRun(Engine).Run("call 42\nexit\n", []));
    }

    [Fact]
    public void Clocks_agree_with_the_host()
    {
        var run = new HelperRun(Engine);
        ulong monotonic = run.Run("call 5\nexit\n", []);
        ulong coarse = run.Run("call 160\nexit\n", []);
        ulong jiffies = run.Run("call 118\nexit\n", []);
        ulong tai = run.Run("call 208\nexit\n", []);
        Assert.InRange((long)(coarse - monotonic), -100_000_000L, 100_000_000L);   // coarse: within a few ticks
        ulong expectedJiffies = ClockHelpers.InitialJiffies + monotonic / 4_000_000;
        Assert.InRange((long)(jiffies - expectedJiffies), -25L, 25L);
        ulong unixNs = (ulong)(DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        Assert.InRange((long)(tai - unixNs), -1_000_000_000L, 60_000_000_000L);   // TAI = UTC + the kernel's offset (0 to 37 s)
    }
}
