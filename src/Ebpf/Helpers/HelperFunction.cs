using Ebpf.Runtime;

namespace Ebpf.Helpers;

/// <summary>
/// The implementation of a helper: it receives the five argument registers and the run's context, and returns r0.
/// It must check every pointer argument against the run (<see cref="RunContext.GetMemory"/>) before touching memory.
/// </summary>
public delegate ulong HelperFunction(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, RunContext context);

/// <summary>A helper function programs may call by id: its Linux id and name, and its implementation.</summary>
/// <param name="Id">The helper id the <c>call</c> instruction names (Linux ids for Linux helpers).</param>
/// <param name="Name">The name, as in the kernel without the <c>bpf_</c> prefix (e.g. <c>ktime_get_ns</c>).</param>
/// <param name="Implementation">What runs when a program calls it.</param>
/// <param name="Prototype">The contract the verifier checks calls against, or null to use the Linux prototype of <paramref name="Id"/> (<see cref="Linux.LinuxHelperPrototypes"/>).</param>
public sealed record HelperDescriptor(int Id, string Name, HelperFunction Implementation, HelperPrototype? Prototype = null);
