using System.Buffers.Binary;
using Ebpf.Elf;
using Ebpf.Maps;
using Ebpf.Runtime;
using Ebpf.TestRuns;
using Ebpf.Tests.Examples;
using Ebpf.Tests.Support;
using Ebpf.Verifier;

namespace Ebpf.Tests.Verifier;

/// <summary>
/// The real-world-style corpus (tests/objects/realworld) after the verifier: every program the kernel accepts is
/// accepted here, and runs — verified, so without memory checks — on both engines over sample inputs with the verdicts,
/// packet rewrites and map updates its C source promises. The kernel differential (Ebpf.Linux.Tests) checks the verdicts.
/// </summary>
public class RealWorldCorpusRunTests
{
    private const uint XdpDrop = 1, XdpPass = 2, XdpTx = 3, TcOk = 0, TcShot = 2;

    public static TheoryData<ExecutionEngine> Engines() => new(ExecutionEngine.Interpreter, ExecutionEngine.Jit);

    private static readonly string[] Rejected =
        ["reject_missing_bounds", "reject_unbounded_loop", "reject_ringbuf_leak", "reject_null_value", "reject_readonly_context", "reject_combined_stack",
         "loop_payload_scan"];

    [Fact]
    public void Every_program_is_accepted_except_the_ones_the_kernel_rejects()
    {
        var verdicts = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "tests", "objects", "realworld"), "*.o").Order()
            .SelectMany(path => { var spec = ObjectFile.Load(path); return ProgramVerifier.VerifyAll(spec); })
            .ToDictionary(v => v.ProgramName);
        Assert.True(verdicts.Count >= 24, $"{verdicts.Count} programs");
        foreach (var (name, verdict) in verdicts)
            Assert.True(verdict.Accepted != Rejected.Contains(name), $"{name}: {(verdict.Accepted ? "accepted" : verdict.Message)}");
        Assert.Equal(RejectionReason.TooComplex, verdicts["reject_unbounded_loop"].Reason);
        Assert.Equal(RejectionReason.StackTooDeep, verdicts["reject_combined_stack"].Reason);
        // As in the kernel (6.8+): the match counter is precise, so bpf_loop's 256 iterations are walked one count at a
        // time, and the states of the repeated scans run past the budget.
        Assert.Equal(RejectionReason.TooComplex, verdicts["loop_payload_scan"].Reason);
        Assert.Contains("BPF program is too large. Processed 1000000 insn", verdicts["loop_payload_scan"].Message);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Packet_parser_counts_layer_four_protocols_and_drops_telnet(ExecutionEngine engine)
    {
        using var corpus = new Corpus("packet_parser.o", engine);
        Assert.Equal(XdpDrop, corpus.Run("packet_parser", Packets.Ipv4Tcp("10.0.0.1", "10.0.0.2", 23)).ReturnValue);
        Assert.Equal(XdpPass, corpus.Run("packet_parser", Packets.Ipv4Tcp("10.0.0.1", "10.0.0.2", 80)).ReturnValue);
        Assert.Equal(XdpPass, corpus.Run("packet_parser", Packets.Ipv4Udp("10.0.0.1", "10.0.0.2", 53)).ReturnValue);
        Assert.Equal(XdpPass, corpus.Run("packet_parser", Packets.Ipv6Udp(53)).ReturnValue);
        Assert.Equal(XdpPass, corpus.Run("packet_parser", Packets.Arp()).ReturnValue);
        var counts = corpus.Collection.Map("parser_counts").AsPerCpuTyped<uint, ulong>();
        Assert.Equal([1UL, 2UL, 2UL, 0UL, 0UL], Enumerable.Range(0, 5).Select(slot => counts.Get((uint)slot)![0]).ToArray());
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Load_balancer_encapsulates_vip_traffic_towards_the_ring_s_real(ExecutionEngine engine)
    {
        using var corpus = new Corpus("l4_load_balancer.o", engine);
        // vip_key { addr, port, proto, pad } -> vip_meta { vip_num 0 }; every ring slot of VIP 0 names real 3.
        byte[] vip = [.. Packets.Address("10.0.0.1"), 0, 80, 6, 0];
        corpus.Collection.Map("vip_map").Update(vip, new byte[8]);
        var ring = corpus.Collection.Map("ch_rings");
        for (uint slot = 0; slot < 64; slot++) ring.Update(BitConverter.GetBytes(slot), BitConverter.GetBytes(3u));
        byte[] real = [.. Packets.Address("10.1.1.3"), 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0, 0];
        corpus.Collection.Map("reals").Update(BitConverter.GetBytes(3u), real);

        byte[] packet = Packets.Ipv4Tcp("192.168.7.7", "10.0.0.1", 80);
        var result = corpus.Run("l4_load_balancer", packet);

        Assert.Equal(XdpTx, result.ReturnValue);
        byte[] output = result.DataOut;
        Assert.Equal(packet.Length + 20, output.Length);
        Assert.Equal("02AABBCCDDEE", Convert.ToHexString(output, 0, 6));
        Assert.Equal(Convert.ToHexString(packet, 0, 6), Convert.ToHexString(output, 6, 6));
        Assert.Equal(0x45, output[14]);
        Assert.Equal(4, output[14 + 9]);                                       // IP-in-IP
        Assert.Equal(packet.Length - 14 + 20, BinaryPrimitives.ReadUInt16BigEndian(output.AsSpan(16)));
        Assert.Equal("0A000001", Convert.ToHexString(output, 14 + 12, 4));
        Assert.Equal("0A010103", Convert.ToHexString(output, 14 + 16, 4));
        Assert.Equal(0, Packets.Checksum(output.AsSpan(14, 20)));
        Assert.Equal(Convert.ToHexString(packet, 14, packet.Length - 14), Convert.ToHexString(output, 34, packet.Length - 14));
        var stats = corpus.Collection.Map("vip_stats").Lookup(BitConverter.GetBytes(0u))!;
        Assert.Equal(1UL, BitConverter.ToUInt64(stats, 0));
        Assert.Equal((ulong)packet.Length, BitConverter.ToUInt64(stats, 8));

        Assert.Equal(XdpPass, corpus.Run("l4_load_balancer", Packets.Ipv4Tcp("192.168.7.7", "10.0.0.9", 80)).ReturnValue);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Policy_allows_sources_of_the_lpm_trie_and_counts_verdicts(ExecutionEngine engine)
    {
        using var corpus = new Corpus("policy_lpm.o", engine);
        // A /24 rule: 172.16.5.0/24 allowed with rule id 42.
        corpus.Collection.Map("policy_cidrs").Update([24, 0, 0, 0, .. Packets.Address("172.16.5.0")], [1, 0, 0, 0, 42, 0, 0, 0]);

        Assert.Equal(TcOk, corpus.Run("policy_ingress", Packets.Ipv4Udp("172.16.5.9", "10.0.0.2", 53)).ReturnValue);
        Assert.Equal(TcShot, corpus.Run("policy_ingress", Packets.Ipv4Udp("172.16.6.9", "10.0.0.2", 53)).ReturnValue);
        Assert.Equal(TcShot, corpus.Run("policy_ingress", Packets.Ipv4Udp("8.8.8.8", "10.0.0.2", 53)).ReturnValue);
        var verdicts = corpus.Collection.Map("policy_verdicts").AsPerCpuTyped<uint, ulong>();
        Assert.Equal(2UL, verdicts.Get(0)![0]);
        Assert.Equal(1UL, verdicts.Get(1)![0]);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Conntrack_admits_a_syn_and_drops_a_stray_ack(ExecutionEngine engine)
    {
        using var corpus = new Corpus("conntrack.o", engine);
        byte[] syn = Packets.Ipv4Tcp("10.0.0.1", "10.0.0.2", 443);
        Assert.Equal(TcOk, corpus.Run("conntrack", syn).ReturnValue);
        var table = corpus.Collection.Map("conntrack_table");
        var (key, value) = Assert.Single(table.Entries());
        Assert.Equal("0A0000010A0000029C41" + "01BB06", Convert.ToHexString(key, 0, 13));
        Assert.Equal(1UL, BitConverter.ToUInt64(value, 8));                   // packets
        Assert.Equal((ulong)syn.Length, BitConverter.ToUInt64(value, 16));     // bytes
        Assert.Equal(2u, BitConverter.ToUInt32(value, 24));                    // CT_SYN_SENT

        byte[] ack = Packets.Ipv4Tcp("10.0.0.1", "10.0.0.2", 8080);
        ack[14 + 20 + 13] = 0x10;
        Assert.Equal(TcShot, corpus.Run("conntrack", ack).ReturnValue);
        Assert.Single(table.Entries());
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Dns_query_of_a_blocked_name_is_dropped_whatever_its_case(ExecutionEngine engine)
    {
        using var corpus = new Corpus("dns_query.o", engine);
        byte[] name = [7, .. "example"u8, 3, .. "com"u8];
        corpus.Collection.Map("blocked_names").Update([.. name, .. new byte[64 - name.Length]], new byte[8]);

        Assert.Equal(XdpDrop, corpus.Run("dns_query", DnsQuery("ExAmPle", "COM")).ReturnValue);
        Assert.Equal(XdpPass, corpus.Run("dns_query", DnsQuery("example", "org")).ReturnValue);
        Assert.Equal(1UL, BitConverter.ToUInt64(corpus.Collection.Map("blocked_names").Lookup([.. name, .. new byte[64 - name.Length]])!));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Syn_limiter_starts_a_bucket_per_source(ExecutionEngine engine)
    {
        using var corpus = new Corpus("syn_rate_limit.o", engine);
        Assert.Equal(XdpPass, corpus.Run("syn_rate_limit", Packets.Ipv4Tcp("10.9.9.9", "10.0.0.2", 80)).ReturnValue);
        Assert.Equal(XdpPass, corpus.Run("syn_rate_limit", Packets.Ipv4Tcp("10.9.9.9", "10.0.0.2", 80)).ReturnValue);
        byte[] bucket = corpus.Collection.Map("syn_buckets").Lookup(Packets.Address("10.9.9.9"))!;
        Assert.Equal(198UL, BitConverter.ToUInt64(bucket, 8));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Egress_rewriter_marks_dscp_and_rewrites_the_port_with_valid_checksums(ExecutionEngine engine)
    {
        using var corpus = new Corpus("egress_rewriter.o", engine);
        // rewrite { from_port 5000, to_port 6000, dscp 10 }
        corpus.Collection.Map("rewrite_config").Update(BitConverter.GetBytes(0u), [0x88, 0x13, 0x70, 0x17, 10, 0, 0, 0]);
        byte[] packet = Packets.Ipv4Udp("10.0.0.1", "10.0.0.2", 5000);
        var result = corpus.Run("egress_rewriter", packet);
        Assert.Equal(TcOk, result.ReturnValue);
        Assert.Equal(40, result.DataOut[15]);                                 // tos = dscp 10 << 2
        Assert.Equal(0, Packets.Checksum(result.DataOut.AsSpan(14, 20)));
        Assert.Equal(6000, BinaryPrimitives.ReadUInt16BigEndian(result.DataOut.AsSpan(36)));
        var other = corpus.Run("egress_rewriter", Packets.Ipv4Udp("10.0.0.1", "10.0.0.2", 5001));
        Assert.Equal(Convert.ToHexString(Packets.Ipv4Udp("10.0.0.1", "10.0.0.2", 5001)), Convert.ToHexString(other.DataOut));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Socket_filter_keeps_https_only(ExecutionEngine engine)
    {
        using var corpus = new Corpus("port_socket_filter.o", engine);
        byte[] https = Packets.Ipv4Tcp("10.0.0.1", "10.0.0.2", 443);
        Assert.Equal((uint)(https.Length - 14), corpus.Run("port_socket_filter", https).ReturnValue);
        Assert.Equal(0u, corpus.Run("port_socket_filter", Packets.Ipv4Tcp("10.0.0.1", "10.0.0.2", 80)).ReturnValue);
        Assert.Equal(0u, corpus.Run("port_socket_filter", Packets.Arp()).ReturnValue);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Global_config_counts_in_bss_and_drops_frames_over_the_rodata_limit(ExecutionEngine engine)
    {
        using var corpus = new Corpus("global_config.o", engine);
        Assert.Equal(XdpPass, corpus.Run("global_config", Packets.Ipv4Udp("10.0.0.1", "10.0.0.2", 53)).ReturnValue);
        Assert.Equal(XdpDrop, corpus.Run("global_config", Packets.Ipv4Udp("10.0.0.1", "10.0.0.2", 53, payload: 1600)).ReturnValue);
        byte[] bss = corpus.Collection.Maps.Single(m => m.Name.EndsWith(".bss", StringComparison.Ordinal)).Lookup(BitConverter.GetBytes(0u))!;
        var counters = Enumerable.Range(0, 3).Select(i => BitConverter.ToUInt64(bss, i * 8)).Order().ToArray();
        Assert.Equal([0UL, 1UL, 2UL], counters);                             // sampled 0, too big 1, seen 2
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Header_checksum_answers_valid_icmp_and_drops_a_corrupt_header(ExecutionEngine engine)
    {
        using var corpus = new Corpus("header_checksum.o", engine);
        byte[] icmp = Icmp();
        var result = corpus.Run("header_checksum", icmp);
        Assert.Equal(XdpTx, result.ReturnValue);
        Assert.Equal(Convert.ToHexString(icmp, 6, 6), Convert.ToHexString(result.DataOut, 0, 6));
        Assert.Equal(Convert.ToHexString(icmp, 16 + 14, 4), Convert.ToHexString(result.DataOut, 12 + 14, 4));
        icmp[14 + 8] ^= 0x10;                                                 // TTL changed, checksum not
        Assert.Equal(XdpDrop, corpus.Run("header_checksum", icmp).ReturnValue);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Payload_scan_with_bpf_loop_drops_packets_with_the_pattern(ExecutionEngine engine)
    {
        // The kernel and ours reject it as too complex to verify (see above); unverified, it runs with every access checked.
        using var corpus = new Corpus("loop_payload_scan.o", engine, ProgramVerification.Unverified);
        byte[] packet = Packets.Ipv4Udp("10.0.0.1", "10.0.0.2", 9, payload: 16);
        Assert.Equal(XdpPass, corpus.Run("loop_payload_scan", packet).ReturnValue);
        packet[50] = packet[52] = packet[54] = 0xcc;
        Assert.Equal(XdpDrop, corpus.Run("loop_payload_scan", packet).ReturnValue);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Sched_switch_counter_reads_the_raw_tracepoint_arguments(ExecutionEngine engine)
    {
        using var corpus = new Corpus("sched_switch_counter.o", engine);
        byte[] preempted = [.. BitConverter.GetBytes(1UL), .. new byte[16]];
        Assert.Equal(0u, corpus.Run("sched_switch_counter", new TestRunInput { ContextIn = preempted }).ReturnValue);
        Assert.Equal(0u, corpus.Run("sched_switch_counter", new TestRunInput { ContextIn = new byte[24] }).ReturnValue);
        byte[] value = corpus.Collection.Map("switch_counts").AsPerCpuTyped<uint, CpuSwitches>().Get(0)!.Select(v => v.Bytes()).First();
        Assert.Equal(2UL, BitConverter.ToUInt64(value, 0));
        Assert.Equal(1UL, BitConverter.ToUInt64(value, 8));
        Assert.NotEqual(0UL, BitConverter.ToUInt64(value, 16));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void Sockops_answers_the_initial_rto_and_records_established_flows(ExecutionEngine engine)
    {
        using var corpus = new Corpus("sockops_tuning.o", engine);
        // struct bpf_sock_ops: op at 0, reply at 4, family at 20, remote_ip4 at 24, local_ip4 at 28, remote_port at 64, local_port at 68.
        byte[] Context(uint op, string remote)
        {
            var context = new byte[224];
            BitConverter.GetBytes(op).CopyTo(context, 0);
            BitConverter.GetBytes(2u).CopyTo(context, 20);
            Packets.Address(remote).CopyTo(context, 24);
            Packets.Address("192.168.0.1").CopyTo(context, 28);
            BinaryPrimitives.WriteUInt32BigEndian(context.AsSpan(64), 443);
            BitConverter.GetBytes(40000u).CopyTo(context, 68);
            return context;
        }
        var inside = corpus.Run("sockops_tuning", new TestRunInput { ContextIn = Context(1, "10.2.3.4") });   // BPF_SOCK_OPS_TIMEOUT_INIT
        Assert.Equal(1u, inside.ReturnValue);
        Assert.Equal(50, BitConverter.ToInt32(inside.ContextOut!, 4));
        var outside = corpus.Run("sockops_tuning", new TestRunInput { ContextIn = Context(1, "8.8.8.8") });
        Assert.Equal(-1, BitConverter.ToInt32(outside.ContextOut!, 4));
        Assert.Equal(1u, corpus.Run("sockops_tuning", new TestRunInput { ContextIn = Context(4, "10.2.3.4") }).ReturnValue);   // ACTIVE_ESTABLISHED_CB
        var (key, _) = Assert.Single(corpus.Collection.Map("established_flows").Entries());
        Assert.Equal("C0A800010A020304" + "409C0000" + "BB010000", Convert.ToHexString(key));
        Assert.Equal(2UL, BitConverter.ToUInt64(corpus.Collection.Map("sockops_seen").Lookup(BitConverter.GetBytes(1u))!));
    }

    private readonly record struct CpuSwitches(ulong Count, ulong Preempted, ulong LastNs)
    {
        public byte[] Bytes() => [.. BitConverter.GetBytes(Count), .. BitConverter.GetBytes(Preempted), .. BitConverter.GetBytes(LastNs)];
    }

    private static byte[] DnsQuery(params string[] labels)
    {
        var dns = new List<byte> { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
        foreach (var label in labels)
        {
            dns.Add((byte)label.Length);
            dns.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }
        dns.AddRange([0, 0, 1, 0, 1]);
        byte[] packet = Packets.Ipv4Udp("10.0.0.1", "10.0.0.53", 53, payload: dns.Count);
        dns.ToArray().CopyTo(packet, 14 + 20 + 8);
        return packet;
    }

    private static byte[] Icmp()
    {
        byte[] packet = Packets.Ipv4Udp("10.0.0.1", "10.0.0.2", 7);
        packet[14 + 9] = 1;
        packet[14 + 10] = packet[14 + 11] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(14 + 10), Packets.Checksum(packet.AsSpan(14, 20)));
        return packet;
    }

    /// <summary>One corpus object loaded (and so verified) into a fresh collection, its programs on one engine.</summary>
    private sealed class Corpus(string objectName, ExecutionEngine engine, ProgramVerification verification = ProgramVerification.Verified) : IDisposable
    {
        public LoadedCollection Collection { get; } =
            LoadedCollection.Create(ObjectFile.Load(Path.Combine(RepositoryPaths.Root, "tests", "objects", "realworld", objectName)), verification: verification);

        public TestRunResult Run(string program, byte[] packet) => Run(program, new TestRunInput { Data = packet });

        public TestRunResult Run(string program, TestRunInput input)
        {
            var prepared = Collection.Program(program, engine);
            if (verification == ProgramVerification.Verified)
                Assert.Equal(MemoryChecks.Unchecked, Collection.Verdicts[program].Accepted ? MemoryChecks.Unchecked : MemoryChecks.Checked);
            var type = LoadedCollection.TypeOf(Collection.Spec.Program(program))!;
            return TestRunner.Run(prepared, type, input);
        }

        public void Dispose() => Collection.Dispose();
    }
}
