using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ebpf.Cli.Input;
using Ebpf.Elf;
using Ebpf.Isa;
using Ebpf.Verifier;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf verify OBJ|RAW [--program NAME] [--log-level N] [--json] [--type NAME] [--unprivileged]</c>: runs the verifier
/// on every program of an object (or on raw bytecode as the "raw" type) and prints each verdict with its explanation.
/// Exits 0 when every program is accepted, 1 otherwise, 2 on usage errors.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "An ELF object built with clang -target bpf, or raw bytecode (8 bytes per instruction)" };
        var program = new Option<string?>("--program") { Description = "Verify only this program (default: all)" };
        var logLevel = new Option<int>("--log-level") { Description = "Print the kernel-style verifier log: 1 = instructions and path starts, 2 = registers at every instruction", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object: {\"programs\": [{program, accepted, message, instruction, source, stats}]}" };
        var type = new Option<string?>("--type") { Description = "The program type (the kernel's BPF_PROG_TYPE_ name without prefix, any case, or 'raw'), instead of the section name's" };
        var unprivileged = new Option<bool>("--unprivileged") { Description = "Apply the rules for unprivileged loaders (no pointer leaks, no reads of uninitialised stack)" };
        var command = new Command("verify", "Prove programs safe as the kernel's verifier does, or explain why one is not")
        {
            file, program, logLevel, json, type, unprivileged,
        };
        command.SetAction(parse => CommandAction.Run(() =>
        {
            string path = parse.GetValue(file)!;
            string? typeName = parse.GetValue(type);
            if (parse.GetValue(logLevel) is < 0 or > 2) throw new UsageException($"--log-level must be 0, 1 or 2, not {parse.GetValue(logLevel)}");
            if (typeName is not null && !ProgramTypeNames.TryParse(typeName, out _))
                throw new UsageException($"unknown program type '{typeName}'; choose one of: {string.Join(", ", ProgramTypeNames.All)}");
            var options = new VerifierOptions { LogLevel = parse.GetValue(logLevel), Unprivileged = parse.GetValue(unprivileged) };
            var results = Verify(path, parse.GetValue(program), typeName, options);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
                output.WriteLine(ToJson(results, options.LogLevel > 0).ToJsonString(new JsonSerializerOptions
                {
                    WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
                }));
            else WriteText(results, options.LogLevel, output);
            return results.All(r => r.Accepted) ? 0 : CommandAction.Failure;
        }, parse.InvocationConfiguration.Error));
        return command;
    }

    private static IReadOnlyList<VerificationResult> Verify(string path, string? programName, string? typeName, VerifierOptions options)
    {
        byte[] bytes = ProgramLoader.ReadFile(path);
        if (!ElfFile.HasElfMagic(bytes))
        {
            if (programName is not null) throw new UsageException($"{path}: --program needs an ELF object; raw bytecode holds one program");
            if (typeName is not null && !string.Equals(typeName, ProgramTypeNames.Raw, StringComparison.OrdinalIgnoreCase))
                throw new UsageException($"{path}: raw bytecode verifies as the 'raw' type only (r1 = memory, r2 = its length)");
            return [ProgramVerifier.VerifyRaw(Bytecode.FromBytes(bytes), options, name: Path.GetFileName(path))];
        }
        var spec = ObjectFile.Load(bytes);
        if (programName is null)
        {
            if (spec.Programs.Count == 0) throw new UsageException($"{path}: the object has no programs");
            return ProgramVerifier.VerifyAll(spec, options, typeName);
        }
        var chosen = spec.FindProgram(programName)
            ?? throw new UsageException($"{path}: no program named '{programName}'; the object has: {string.Join(", ", spec.Programs.Select(p => p.Name))}");
        return [ProgramVerifier.Verify(chosen, spec, options, typeName)];
    }

    private static void WriteText(IReadOnlyList<VerificationResult> results, int logLevel, TextWriter output)
    {
        foreach (var result in results)
        {
            if (logLevel > 0 && result.Log.Length > 0) output.Write(result.Log);
            var stats = result.Statistics;
            string figures = $"{stats.ProcessedInstructions} insns processed, {stats.States} states, peak {stats.PeakStates}, {stats.Microseconds} us";
            if (result.Accepted) output.WriteLine($"{result.ProgramName}: accepted ({figures})");
            else
            {
                output.WriteLine($"{result.ProgramName}: REJECTED ({figures})");
                output.WriteLine(result.Message);
            }
        }
    }

    private static JsonObject ToJson(IReadOnlyList<VerificationResult> results, bool withLog)
    {
        var programs = new JsonArray();
        foreach (var result in results)
        {
            var stats = result.Statistics;
            var entry = new JsonObject
            {
                ["program"] = result.ProgramName,
                ["accepted"] = result.Accepted,
                ["message"] = result.Message,
                ["instruction"] = result.Instruction,
                ["source"] = result.Source,
                ["stats"] = new JsonObject
                {
                    ["processed"] = stats.ProcessedInstructions,
                    ["states"] = stats.States,
                    ["peak_states"] = stats.PeakStates,
                    ["time_us"] = stats.Microseconds,
                },
            };
            if (withLog) entry["log"] = result.Log;
            programs.Add(entry);
        }
        return new JsonObject { ["programs"] = programs };
    }
}
