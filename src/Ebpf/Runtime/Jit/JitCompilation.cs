using System.Reflection.Emit;
using Ebpf.Helpers;
using Ebpf.Isa;

namespace Ebpf.Runtime.Jit;

/// <summary>What the functions of one program share while they are compiled: their methods and the helper call sites.</summary>
internal sealed class JitCompilation
{
    private readonly Dictionary<int, DynamicMethod> _methods = new();
    private readonly Dictionary<int, int> _helperSites = new();

    private readonly Dictionary<int, ulong> _lddwValues = new();
    private readonly SortedSet<int> _callbackTargets = new();

    public JitCompilation(Instruction[] code, HelperTable helpers, bool isChecked, ProgramMaps maps, IReadOnlyList<int> contextPointerFields)
    {
        ContextPointerFields = [.. contextPointerFields];
        Checked = isChecked;
        Maps = maps;
        var siteHelpers = new List<HelperFunction>();
        for (int pc = 0; pc < code.Length; pc++)
        {
            var insn = code[pc];
            if (insn.Opcode == Opcodes.Call && insn.Source == (byte)CallKind.Helper)
            {
                if (!helpers.TryGet(insn.Immediate, out var helper))
                    throw new ProgramLoadException(pc, $"call to unknown helper id {insn.Immediate}; register it in the HelperTable given to the engine");
                _helperSites[pc] = siteHelpers.Count;
                siteHelpers.Add(helper.Implementation);
            }
            else if (insn.Opcode == Opcodes.Call && insn.Source == (byte)CallKind.KernelFunction)
            {
                throw new ProgramLoadException(pc, $"call to kernel function (kfunc) with BTF id {insn.Immediate}; kfuncs exist only in the Linux kernel");
            }
            else if (insn.IsLddw)
            {
                _lddwValues[pc] = maps.ResolveLddw(insn, code[pc + 1], pc);
                if (insn.Source == (byte)LddwSource.Function) _callbackTargets.Add(pc + 1 + insn.Immediate);
            }
            HasPacketLoads |= Opcodes.IsPacketLoad(insn.Opcode);
            HasTailCalls |= insn.Opcode == Opcodes.Call && insn.Source == (byte)CallKind.Helper && insn.Immediate == TailCallHelperId;
            if (insn.IsLddw) pc++;
        }
        SiteHelpers = [.. siteHelpers];
    }

    /// <summary>Offsets of the context's 32-bit pointer fields (see <see cref="ExecutionOptions.ContextPointerFields"/>).</summary>
    public int[] ContextPointerFields { get; }

    /// <summary>The maps the program refers to.</summary>
    public ProgramMaps Maps { get; }

    /// <summary>The value a <c>lddw</c> at <paramref name="pc"/> loads (map references resolved).</summary>
    public ulong LddwValue(int pc) => _lddwValues[pc];

    /// <summary>Whether loads and stores are checked and the budget counted.</summary>
    public bool Checked { get; }

    /// <summary>The Linux id of <c>bpf_tail_call</c>.</summary>
    public const int TailCallHelperId = 12;

    /// <summary>Whether the program uses legacy packet loads (which can end it from any frame).</summary>
    public bool HasPacketLoads { get; }

    /// <summary>Whether the program calls <c>bpf_tail_call</c> (which ends it from any frame when it succeeds).</summary>
    public bool HasTailCalls { get; }

    /// <summary>The functions the program takes references to (<c>lddw</c> source 4): callbacks helpers may call.</summary>
    public IReadOnlyCollection<int> CallbackTargets => _callbackTargets;

    /// <summary>Whether the program holds function references, so that a helper call may run a callback.</summary>
    public bool HasFunctionReferences => _callbackTargets.Count > 0;

    /// <summary>The helper of each call site, in site order.</summary>
    public HelperFunction[] SiteHelpers { get; }

    /// <summary>How many bytes below r10 each function's frame must be zeroed on entry, by function start.</summary>
    public Dictionary<int, int> ZeroedStackBytes { get; } = new();

    public void AddMethod(int start, DynamicMethod method) => _methods[start] = method;

    public DynamicMethod MethodAt(int start) => _methods[start];

    public int HelperSiteOf(int pc) => _helperSites[pc];
}
