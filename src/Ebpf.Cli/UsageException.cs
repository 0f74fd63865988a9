namespace Ebpf.Cli;

/// <summary>A command line or input the user must correct; the CLI prints the message and exits with 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
