using Spectre.Console;

namespace Ebpf.Cli.Commands;

/// <summary>The Spectre console every table of the tool is written to: the command's output writer, without colours.</summary>
internal static class CliConsole
{
    /// <summary>A console that writes to <paramref name="output"/>.</summary>
    public static IAnsiConsole For(TextWriter output) =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), ColorSystem = ColorSystemSupport.NoColors });
}
