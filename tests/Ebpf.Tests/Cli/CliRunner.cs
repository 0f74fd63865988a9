using System.CommandLine;

namespace Ebpf.Tests.Cli;

/// <summary>Runs the `ebpf` command tree in process and captures what it prints.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        int exitCode = Ebpf.Cli.Program.CreateRootCommand().Parse(args).Invoke(configuration);
        return (exitCode, output.ToString(), error.ToString());
    }
}
