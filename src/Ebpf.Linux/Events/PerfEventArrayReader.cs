using Ebpf.Linux.Kernel;
using Ebpf.Linux.Syscalls;
using Ebpf.Maps;

namespace Ebpf.Linux.Events;

/// <summary>
/// Reads what programs send with <c>bpf_perf_event_output</c> through a <c>BPF_MAP_TYPE_PERF_EVENT_ARRAY</c> map: one
/// <c>PERF_COUNT_SW_BPF_OUTPUT</c> event per online CPU, opened with <c>perf_event_open</c>, stored in the map at that
/// CPU's index and mapped as a ring (a metadata page and a power-of-two number of data pages). Records are
/// <c>PERF_RECORD_SAMPLE</c> (the raw data; the kernel pads it so that size word and data end 8-byte aligned, so a
/// record may be up to 4 bytes longer than what the program sent) and <c>PERF_RECORD_LOST</c>, counted in
/// <see cref="LostSamples"/>.
/// </summary>
public sealed unsafe class PerfEventArrayReader : EventReader
{
    private readonly BpfFileDescriptor _map;
    private readonly CpuRing[] _rings;
    private readonly string _name;
    private int _next;

    private PerfEventArrayReader(EventWaiter waiter, BpfFileDescriptor map, CpuRing[] rings, string name) : base(waiter)
    {
        _map = map;
        _rings = rings;
        _name = name;
    }

    /// <summary>The CPUs read, each with its own ring.</summary>
    public IReadOnlyList<int> Cpus => _rings.Select(r => r.Cpu).ToArray();

    /// <summary>How many samples the kernel dropped because a ring was full (the sum of the PERF_RECORD_LOST records read).</summary>
    public long LostSamples { get; private set; }

    /// <summary>The CPU whose ring gave the record read last, or -1 before the first.</summary>
    public int LastCpu { get; private set; } = -1;

    /// <summary>
    /// Opens a reader on <paramref name="map"/> with <paramref name="pagesPerCpu"/> data pages per CPU (a power of two).
    /// The reader holds its own reference to the map; its events stay in the map until the reader is disposed.
    /// </summary>
    /// <exception cref="ArgumentException">The map is not a perf event array, or the page count is not a power of two.</exception>
    /// <exception cref="EventReaderException">Opening, mapping or storing a perf event failed.</exception>
    public static PerfEventArrayReader Open(KernelMap map, int pagesPerCpu = 16)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (map.Type != MapType.PerfEventArray)
            throw new ArgumentException($"map '{map.Name}' is a {map.Type} map, not a perf event array (BPF_MAP_TYPE_PERF_EVENT_ARRAY); a ring buffer needs {nameof(RingBufferReader)}", nameof(map));
        if (pagesPerCpu <= 0 || (pagesPerCpu & (pagesPerCpu - 1)) != 0)
            throw new ArgumentException($"the pages per CPU must be a power of two, not {pagesPerCpu}", nameof(pagesPerCpu));
        string name = $"perf event array '{map.Name}'";
        var own = KernelObjects.OpenById(BpfCommand.MapGetFdById, map.Id)
            ?? throw new EventReaderException($"opening {name} by id {map.Id}", Errno.ENOENT, "the map was freed meanwhile");
        var rings = new List<CpuRing>();
        EventWaiter? waiter = null;
        try
        {
            waiter = EventWaiter.Create();
            var cpus = OnlineCpus().Where(c => c < map.MaxEntries).ToArray();
            if (cpus.Length == 0)
                throw new EventReaderException($"opening {name}", 0, $"the map has {map.MaxEntries} entries, too few for any online CPU: create it with max_entries = the number of CPUs");
            foreach (int cpu in cpus)
            {
                var ring = CpuRing.Open(cpu, pagesPerCpu, name);
                rings.Add(ring);
                Store(own, cpu, ring.Event.Value, name);
                waiter.Add(ring.Event.Value, (ulong)cpu);
            }
            return new PerfEventArrayReader(waiter, own, rings.ToArray(), name);
        }
        catch
        {
            waiter?.Dispose();
            foreach (var ring in rings) ring.Dispose();
            own.Dispose();
            throw;
        }
    }

    private static void Store(BpfFileDescriptor map, int cpu, int eventFd, string name)
    {
        uint key = (uint)cpu, value = (uint)eventFd;
        var attr = new BpfAttrMapElement { MapFd = map.AsAttrField, Key = (ulong)&key, Value = (ulong)&value };
        int errno = BpfSyscall.TryInvoke(BpfCommand.MapUpdateElement, ref attr, out _);
        if (errno != 0) throw new KernelErrorException(BpfCommand.MapUpdateElement, errno, detail: $"{name}, CPU {cpu}'s perf event");
    }

    /// <summary>The online CPUs (<c>/sys/devices/system/cpu/online</c>), or 0 … ProcessorCount-1 where that file is missing.</summary>
    internal static IEnumerable<int> OnlineCpus()
    {
        const string path = "/sys/devices/system/cpu/online";
        if (!File.Exists(path)) return Enumerable.Range(0, Environment.ProcessorCount);
        var cpus = new List<int>();
        foreach (var part in File.ReadAllText(path).Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var bounds = part.Split('-');
            int first = int.Parse(bounds[0]), last = int.Parse(bounds[^1]);
            for (int cpu = first; cpu <= last; cpu++) cpus.Add(cpu);
        }
        return cpus;
    }

    private protected override bool HasRecord()
    {
        foreach (var ring in _rings)
        {
            while (ring.Peek(out uint type))
            {
                if (type == PerfEventConstants.RecordSample) return true;
                LostSamples += ring.Skip();
            }
        }
        return false;
    }

    private protected override bool TryTake(out byte[] record)
    {
        for (int i = 0; i < _rings.Length; i++)
        {
            var ring = _rings[(_next + i) % _rings.Length];
            while (ring.Peek(out uint type))
            {
                if (type != PerfEventConstants.RecordSample)
                {
                    LostSamples += ring.Skip();
                    continue;
                }
                record = ring.TakeSample();
                LastCpu = ring.Cpu;
                _next = (_next + i + 1) % _rings.Length;
                return true;
            }
        }
        record = [];
        return false;
    }

    private protected override void Release()
    {
        foreach (var ring in _rings)
        {
            uint key = (uint)ring.Cpu;
            var attr = new BpfAttrMapElement { MapFd = _map.AsAttrField, Key = (ulong)&key };
            BpfSyscall.TryInvoke(BpfCommand.MapDeleteElement, ref attr, out _);
            ring.Dispose();
        }
        _map.Dispose();
    }

    private protected override string Describe() => _name;

    /// <inheritdoc />
    public override string ToString() => $"{_name} reader ({_rings.Length} CPUs)";
}
