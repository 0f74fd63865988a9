using System.Runtime.InteropServices;
using Ebpf.Linux.Events;
using Ebpf.Linux.Links;
using Ebpf.Linux.Syscalls;
using Xunit.Abstractions;

namespace Ebpf.Linux.Tests.Links;

/// <summary>
/// The offsets and constants that the attach and event code restates from linux/bpf.h, linux/perf_event.h,
/// linux/if_link.h and sys/socket.h are the headers' own: TestData/attach_layout.c, compiled with clang against this
/// machine's headers, prints them, and every one must equal what the C# types give. (tcx's <c>expected_revision</c>,
/// newer than these headers, is proven by the kernel instead: TcxLinkTests gets ESTALE through it.)
/// </summary>
public class AttachLayoutTests(ITestOutputHelper output)
{
    private static int Offset<T>(string field) => (int)Marshal.OffsetOf<T>(field);

    private static Dictionary<string, ulong> Ours() => new()
    {
        ["link_create.prog_fd"] = (ulong)Offset<BpfAttrLinkCreate>(nameof(BpfAttrLinkCreate.ProgramFd)),
        ["link_create.target_fd"] = (ulong)Offset<BpfAttrLinkCreate>(nameof(BpfAttrLinkCreate.Target)),
        ["link_create.target_ifindex"] = (ulong)Offset<BpfAttrLinkCreate>(nameof(BpfAttrLinkCreate.Target)),
        ["link_create.attach_type"] = (ulong)Offset<BpfAttrLinkCreate>(nameof(BpfAttrLinkCreate.AttachType)),
        ["link_create.flags"] = (ulong)Offset<BpfAttrLinkCreate>(nameof(BpfAttrLinkCreate.Flags)),
        ["link_create.perf_event.bpf_cookie"] = (ulong)Offset<BpfAttrLinkCreate>(nameof(BpfAttrLinkCreate.PerfEventCookie)),
        ["raw_tracepoint.name"] = (ulong)Offset<BpfAttrRawTracepointOpen>(nameof(BpfAttrRawTracepointOpen.Name)),
        ["raw_tracepoint.prog_fd"] = (ulong)Offset<BpfAttrRawTracepointOpen>(nameof(BpfAttrRawTracepointOpen.ProgramFd)),
        ["bpf_link_info.type"] = (ulong)Offset<BpfLinkInfo>(nameof(BpfLinkInfo.Type)),
        ["bpf_link_info.id"] = (ulong)Offset<BpfLinkInfo>(nameof(BpfLinkInfo.Id)),
        ["bpf_link_info.prog_id"] = (ulong)Offset<BpfLinkInfo>(nameof(BpfLinkInfo.ProgramId)),
        // KernelLinkInfo.From reads the union at Details: XDP ifindex and cgroup id at +0, cgroup attach type at +8, netns attach type at +4.
        ["bpf_link_info.xdp.ifindex"] = (ulong)Offset<BpfLinkInfo>(nameof(BpfLinkInfo.Details)),
        ["bpf_link_info.cgroup.cgroup_id"] = (ulong)Offset<BpfLinkInfo>(nameof(BpfLinkInfo.Details)),
        ["bpf_link_info.cgroup.attach_type"] = (ulong)Offset<BpfLinkInfo>(nameof(BpfLinkInfo.Details)) + 8,
        ["bpf_link_info.netns.attach_type"] = (ulong)Offset<BpfLinkInfo>(nameof(BpfLinkInfo.Details)) + 4,
        ["perf_event_attr.type"] = (ulong)Offset<PerfEventAttr>(nameof(PerfEventAttr.Type)),
        ["perf_event_attr.size"] = (ulong)Offset<PerfEventAttr>(nameof(PerfEventAttr.Size)),
        ["perf_event_attr.config"] = (ulong)Offset<PerfEventAttr>(nameof(PerfEventAttr.Config)),
        ["perf_event_attr.sample_period"] = (ulong)Offset<PerfEventAttr>(nameof(PerfEventAttr.SamplePeriod)),
        ["perf_event_attr.sample_type"] = (ulong)Offset<PerfEventAttr>(nameof(PerfEventAttr.SampleType)),
        ["perf_event_attr.read_format"] = (ulong)Offset<PerfEventAttr>(nameof(PerfEventAttr.ReadFormat)),
        ["perf_event_attr.wakeup_events"] = (ulong)Offset<PerfEventAttr>(nameof(PerfEventAttr.WakeupEvents)),
        ["PERF_ATTR_SIZE_VER5"] = (ulong)Marshal.SizeOf<PerfEventAttr>(),
        ["perf_event_mmap_page.data_head"] = PerfEventConstants.DataHeadOffset,
        ["perf_event_mmap_page.data_tail"] = PerfEventConstants.DataTailOffset,
        ["perf_event_mmap_page.data_offset"] = PerfEventConstants.DataOffsetOffset,
        ["perf_event_mmap_page.data_size"] = PerfEventConstants.DataSizeOffset,
        ["PERF_TYPE_SOFTWARE"] = PerfEventConstants.TypeSoftware,
        ["PERF_TYPE_TRACEPOINT"] = PerfEventConstants.TypeTracepoint,
        ["PERF_COUNT_SW_BPF_OUTPUT"] = PerfEventConstants.CountSoftwareBpfOutput,
        ["PERF_SAMPLE_RAW"] = PerfEventConstants.SampleRaw,
        ["PERF_RECORD_SAMPLE"] = PerfEventConstants.RecordSample,
        ["PERF_RECORD_LOST"] = PerfEventConstants.RecordLost,
        ["PERF_EVENT_IOC_ENABLE"] = PerfEventConstants.IoctlEnable,
        ["PERF_EVENT_IOC_DISABLE"] = PerfEventConstants.IoctlDisable,
        ["PERF_EVENT_IOC_SET_BPF"] = PerfEventConstants.IoctlSetBpf,
        ["BPF_RINGBUF_BUSY_BIT"] = RingBufferRecords.BusyBit,
        ["BPF_RINGBUF_DISCARD_BIT"] = RingBufferRecords.DiscardBit,
        ["BPF_RINGBUF_HDR_SZ"] = RingBufferRecords.HeaderSize,
        ["XDP_FLAGS_SKB_MODE"] = (ulong)XdpAttachMode.Generic,
        ["XDP_FLAGS_DRV_MODE"] = (ulong)XdpAttachMode.Native,
        ["XDP_FLAGS_HW_MODE"] = (ulong)XdpAttachMode.Offload,
        ["BPF_LINK_TYPE_PERF_EVENT"] = (ulong)LinkType.PerfEvent,
        ["BPF_LINK_TYPE_XDP"] = (ulong)LinkType.Xdp,
        ["SOL_SOCKET"] = SocketFilterAttachment.SocketLevel,
        ["SO_ATTACH_BPF"] = SocketFilterAttachment.AttachBpf,
        ["SO_DETACH_BPF"] = SocketFilterAttachment.DetachBpf,
    };

    [Fact]
    public void Every_restated_offset_and_constant_equals_the_kernel_headers()
    {
        string source = Path.Combine(AppContext.BaseDirectory, "Links", "TestData", "attach_layout.c");
        string compiler = new[] { "/usr/bin/clang-14", "/usr/bin/clang-19", "/usr/bin/clang", "/usr/bin/cc" }.FirstOrDefault(File.Exists) ?? "";
        if (compiler.Length == 0 || !File.Exists("/usr/include/linux/bpf.h"))
        {
            output.WriteLine("SKIPPED: clang and the Linux UAPI headers (linux-libc-dev) are needed");
            return;
        }
        string program = Path.Combine(Path.GetTempPath(), $"attach_layout_{Environment.ProcessId}_{Random.Shared.Next(100000)}");
        try
        {
            var compiled = NamespacePair.Run(compiler, "-o", program, source);
            Assert.True(compiled.Code == 0, $"{compiler} failed: {compiled.Errors}");
            var printed = NamespacePair.Run(program);
            Assert.Equal(0, printed.Code);
            var headers = printed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(' ')).ToDictionary(f => f[0], f => ulong.Parse(f[1]));
            var ours = Ours();
            Assert.Equal(headers.Keys.Order(), ours.Keys.Order());
            foreach (var (name, value) in headers) Assert.True(ours[name] == value, $"{name}: headers say {value}, the C# code {ours[name]}");
            output.WriteLine($"{headers.Count} offsets and constants match {compiler}'s view of the headers");
        }
        finally
        {
            File.Delete(program);
        }
    }
}
