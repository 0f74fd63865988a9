namespace Ebpf.Maps;

/// <summary>The flags of an update (<c>BPF_ANY</c>, <c>BPF_NOEXIST</c>, <c>BPF_EXIST</c>, <c>BPF_F_LOCK</c>), as the kernel numbers them.</summary>
[Flags]
public enum MapUpdateFlags : ulong
{
    /// <summary>BPF_ANY: create the element or replace it.</summary>
    Any = 0,
    /// <summary>BPF_NOEXIST: create the element only if it does not exist (otherwise EEXIST).</summary>
    NoExist = 1,
    /// <summary>BPF_EXIST: replace the element only if it exists (otherwise ENOENT); for queues and stacks, overwrite the oldest value when full.</summary>
    Exist = 2,
    /// <summary>BPF_F_LOCK: update under the value's <c>bpf_spin_lock</c>; needs BTF, which user-space maps do not have yet (EINVAL).</summary>
    Lock = 4,
}

/// <summary>The flags of <c>BPF_MAP_CREATE</c>, as the kernel numbers them.</summary>
[Flags]
public enum MapCreationFlags : uint
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary>BPF_F_NO_PREALLOC: allocate elements on demand (required by LPM tries).</summary>
    NoPrealloc = 1 << 0,
    /// <summary>BPF_F_NO_COMMON_LRU: per-CPU LRU lists (LRU hashes only; this implementation keeps one exact LRU list).</summary>
    NoCommonLru = 1 << 1,
    /// <summary>BPF_F_NUMA_NODE: a NUMA node is given (accepted and ignored).</summary>
    NumaNode = 1 << 2,
    /// <summary>BPF_F_RDONLY: the host may not write.</summary>
    ReadOnly = 1 << 3,
    /// <summary>BPF_F_WRONLY: the host may not read.</summary>
    WriteOnly = 1 << 4,
    /// <summary>BPF_F_STACK_BUILD_ID: stack-trace maps store build ids.</summary>
    StackBuildId = 1 << 5,
    /// <summary>BPF_F_ZERO_SEED: hash with a zero seed (deterministic, for tests).</summary>
    ZeroSeed = 1 << 6,
    /// <summary>BPF_F_RDONLY_PROG: programs may read but not write values.</summary>
    ReadOnlyProgram = 1 << 7,
    /// <summary>BPF_F_WRONLY_PROG: programs may write but not read values.</summary>
    WriteOnlyProgram = 1 << 8,
    /// <summary>BPF_F_CLONE: socket-storage cloning.</summary>
    Clone = 1 << 9,
    /// <summary>BPF_F_MMAPABLE: the array may be memory-mapped (arrays only).</summary>
    Mmapable = 1 << 10,
    /// <summary>BPF_F_PRESERVE_ELEMS: perf event arrays keep their elements.</summary>
    PreserveElements = 1 << 11,
    /// <summary>BPF_F_INNER_MAP: an inner map whose max_entries may differ from the template's.</summary>
    InnerMap = 1 << 12,
}

/// <summary>The flags of ring buffer submit, discard and output (<c>BPF_RB_NO_WAKEUP</c>, <c>BPF_RB_FORCE_WAKEUP</c>).</summary>
[Flags]
public enum RingBufferFlags : ulong
{
    /// <summary>Wake the consumer if it has caught up with this record (adaptive notification).</summary>
    None = 0,
    /// <summary>BPF_RB_NO_WAKEUP: do not notify the consumer.</summary>
    NoWakeup = 1,
    /// <summary>BPF_RB_FORCE_WAKEUP: notify the consumer unconditionally.</summary>
    ForceWakeup = 2,
}

/// <summary>What <c>bpf_ringbuf_query</c> reports.</summary>
public enum RingBufferQuery : ulong
{
    /// <summary>BPF_RB_AVAIL_DATA: bytes written (and reserved) but not yet consumed.</summary>
    AvailableData = 0,
    /// <summary>BPF_RB_RING_SIZE: the size of the data area.</summary>
    RingSize = 1,
    /// <summary>BPF_RB_CONS_POS: the consumer position (it grows without wrapping).</summary>
    ConsumerPosition = 2,
    /// <summary>BPF_RB_PROD_POS: the producer position.</summary>
    ProducerPosition = 3,
}

/// <summary>How a loader pins a map (libbpf's <c>LIBBPF_PIN_*</c> values in the <c>pinning</c> attribute of a BTF map definition).</summary>
public enum MapPinning
{
    /// <summary>LIBBPF_PIN_NONE: the map is not pinned.</summary>
    None = 0,
    /// <summary>LIBBPF_PIN_BY_NAME: the map is pinned (and reused) by its name.</summary>
    ByName = 1,
}
