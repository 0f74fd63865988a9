using System.CommandLine;
using Ebpf.Cli.Commands;

namespace Ebpf.Cli;

/// <summary>The <c>ebpf</c> command-line tool.</summary>
public static class Program
{
    /// <summary>Builds the command tree: one subcommand per job.</summary>
    internal static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("ebpf: assemble, disassemble, verify and run eBPF programs in user space, and load them into the Linux kernel");
        root.Subcommands.Add(AsmCommand.Create());
        root.Subcommands.Add(DisasmCommand.Create());
        root.Subcommands.Add(ExecCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(PcapCommand.Create());
        root.Subcommands.Add(ConformancePluginCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(LoadCommand.Create());
        root.Subcommands.Add(ProgCommand.Create());
        root.Subcommands.Add(MapCommand.Create());
        root.Subcommands.Add(LinkCommand.CreateLink());
        root.Subcommands.Add(LinkCommand.CreateBtf());
        root.Subcommands.Add(AttachCommand.Create());
        root.Subcommands.Add(EventsCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(CoreCommand.Create());
        return root;
    }

    /// <summary>Runs the tool.</summary>
    public static int Main(string[] args) => CreateRootCommand().Parse(args).Invoke();
}
