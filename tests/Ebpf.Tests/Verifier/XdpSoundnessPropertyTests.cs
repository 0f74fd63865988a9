using System.Text;
using CsCheck;
using Ebpf.Isa.Text;
using Ebpf.Maps;
using Ebpf.ProgramTypes;
using Ebpf.Runtime;
using Ebpf.TestRuns;
using Ebpf.Verifier;
using Xunit.Abstractions;

namespace Ebpf.Tests.Verifier;

/// <summary>
/// Soundness for packet and map programs: generated XDP programs (packet checks against data_end, packet loads and stores,
/// map lookups with or without null checks, value accesses at constant and masked offsets) that the verifier accepts
/// never fault in checked mode when test-run on packets of many lengths, on both engines.
/// </summary>
public class XdpSoundnessPropertyTests(ITestOutputHelper output)
{
    private static readonly MapSpec Values = new("values", MapType.Hash, 4, 16, 16);

    [Fact]
    public void Accepted_generated_xdp_programs_never_fault_in_checked_mode()
    {
        int accepted = 0, generated = 0;
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            string text = Generate(random);
            var program = Assembler.Assemble(text);
            generated++;
            if (!ProgramVerifier.Verify(program, ProgramTypeId.Xdp, [Values], new VerifierOptions()).Accepted) return;
            accepted++;
            using var map = Map.Create(Values);
            for (int key = 0; key < 8; key += 2) map.Update(BitConverter.GetBytes(key), new byte[16]);
            foreach (var engine in new[] { ExecutionEngine.Interpreter, ExecutionEngine.Jit })
            {
                var options = TestRunner.OptionsFor(KnownProgramTypes.Xdp, new ExecutionOptions { Maps = [map], MemoryChecks = MemoryChecks.Checked });
                var prepared = ExecutionEngines.Prepare(engine, program, options);
                foreach (int length in new[] { 14, 15, 20, 33, 40, 64 })
                {
                    var packet = new byte[length];
                    random.NextBytes(packet);
                    try { TestRunner.Run(prepared, KnownProgramTypes.Xdp, packet); }
                    catch (ProgramFaultException e) { Assert.Fail($"accepted but faulted on {engine} with {length} bytes: {e.Fault}\n{text}"); }
                }
            }
        }, iter: 2000, threads: 1);
        output.WriteLine($"{accepted} of {generated} generated XDP programs accepted; none faulted");
        Assert.True(accepted >= generated / 20, $"only {accepted} of {generated} accepted");
    }

    private static string Offset(int offset) => offset < 0 ? $"- {-offset}" : $"+ {offset}";

    private static string Generate(Random random)
    {
        var text = new StringBuilder();
        text.AppendLine("r6 = r1");
        text.AppendLine("r2 = *(u32 *)(r6 + 0)");
        text.AppendLine("r3 = *(u32 *)(r6 + 4)");
        text.AppendLine("r7 = 0");
        string[] sizes = ["u8", "u16", "u32", "u64"];
        int segments = random.Next(1, 6);
        for (int i = 0; i < segments; i++)
        {
            string size = sizes[random.Next(4)];
            switch (random.Next(5))
            {
                case 0:
                    text.AppendLine("r4 = r2");
                    text.AppendLine($"r4 += {random.Next(0, 48)}");
                    text.AppendLine(random.Next(4) == 0 ? "if r4 <= r3 goto end" : "if r4 > r3 goto end");
                    break;
                case 1:
                    text.AppendLine($"r7 = *({size} *)(r2 {Offset(random.Next(-1, 40))})");
                    break;
                case 2:
                    text.AppendLine($"*({size} *)(r2 {Offset(random.Next(-1, 40))}) = r7");
                    break;
                case 3:
                    text.AppendLine("r7 &= 7");
                    text.AppendLine("*(u32 *)(r10 - 4) = r7");
                    text.AppendLine("r1 = map_idx(0) ll");
                    text.AppendLine("r8 = r2");
                    text.AppendLine("r9 = r3");
                    text.AppendLine("r2 = r10");
                    text.AppendLine("r2 += -4");
                    text.AppendLine("call 1");
                    text.AppendLine("r2 = r8");
                    text.AppendLine("r3 = r9");
                    if (random.Next(5) != 0) text.AppendLine("if r0 == 0 goto end");
                    if (random.Next(2) == 0)
                    {
                        text.AppendLine($"r5 = *(u8 *)(r6 + {(random.Next(4) == 0 ? 0 : 12)})");
                        text.AppendLine($"r5 &= {(1 << random.Next(0, 5)) - 1}");
                        text.AppendLine("r0 += r5");
                    }
                    text.AppendLine(random.Next(2) == 0 ? $"r7 = *({size} *)(r0 {Offset(random.Next(-2, 18))})" : $"*({size} *)(r0 {Offset(random.Next(-2, 18))}) = r7");
                    break;
                default:
                    text.AppendLine($"if r7 > {random.Next(0, 300)} goto end");
                    break;
            }
        }
        text.AppendLine("end:");
        text.AppendLine("r0 = 2");
        text.AppendLine("exit");
        return text.ToString();
    }
}
