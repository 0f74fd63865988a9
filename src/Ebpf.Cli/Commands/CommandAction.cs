using Ebpf.Runtime;

namespace Ebpf.Cli.Commands;

/// <summary>Runs a command body and turns the errors users can cause into a message and an exit code.</summary>
internal static class CommandAction
{
    /// <summary>Exit code for a program or object that could not be run or loaded.</summary>
    public const int Failure = 1;

    /// <summary>Exit code for a command line or input the user must correct.</summary>
    public const int Usage = 2;

    /// <summary>Runs <paramref name="body"/>, printing errors to <paramref name="errors"/> (stderr by default).</summary>
    public static int Run(Func<int> body, TextWriter? errors = null)
    {
        errors ??= Console.Error;
        try
        {
            return body();
        }
        catch (UsageException e)
        {
            errors.WriteLine($"error: {e.Message}");
            return Usage;
        }
        catch (ProgramFaultException e)
        {
            errors.WriteLine($"error: {e.Message}");
            return Failure;
        }
        catch (EbpfException e)
        {
            errors.WriteLine($"error: {e.Message}");
            return Failure;
        }
        catch (IOException e)
        {
            errors.WriteLine($"error: {e.Message}");
            return Failure;
        }
    }

    /// <summary>Runs an asynchronous <paramref name="body"/> with the same error handling as <see cref="Run"/>.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> body, TextWriter? errors = null)
    {
        int exitCode = 0;
        Task<int>? running = null;
        int started = Run(() =>
        {
            running = body();
            return 0;
        }, errors);
        if (started != 0 || running is null) return started;
        try
        {
            exitCode = await running;
        }
        catch (Exception e) when (e is EbpfException or IOException or UsageException or ProgramFaultException)
        {
            exitCode = Run(() => throw e, errors);
        }
        return exitCode;
    }

    /// <summary>Parses the value of an <c>--engine</c> option.</summary>
    public static ExecutionEngine ParseEngine(string? name)
    {
        if (name is null) return ExecutionEngine.Jit;
        if (ExecutionEngines.TryParse(name, out var engine)) return engine;
        throw new UsageException($"unknown engine '{name}'; choose one of: {string.Join(", ", ExecutionEngines.Names)}");
    }
}
