namespace Ebpf.Maps;

/// <summary>The kind of a map, with the ids of <c>enum bpf_map_type</c> in the Linux UAPI header <c>linux/bpf.h</c>.</summary>
public enum MapType : uint
{
    /// <summary>BPF_MAP_TYPE_UNSPEC: not a map type.</summary>
    Unspecified = 0,
    /// <summary>BPF_MAP_TYPE_HASH: a hash table of fixed-size keys and values.</summary>
    Hash = 1,
    /// <summary>BPF_MAP_TYPE_ARRAY: zero-initialised values indexed by a u32 key.</summary>
    Array = 2,
    /// <summary>BPF_MAP_TYPE_PROG_ARRAY: program references for tail calls.</summary>
    ProgramArray = 3,
    /// <summary>BPF_MAP_TYPE_PERF_EVENT_ARRAY.</summary>
    PerfEventArray = 4,
    /// <summary>BPF_MAP_TYPE_PERCPU_HASH: a hash table with one value per processor slot.</summary>
    PerCpuHash = 5,
    /// <summary>BPF_MAP_TYPE_PERCPU_ARRAY: an array with one value per processor slot.</summary>
    PerCpuArray = 6,
    /// <summary>BPF_MAP_TYPE_STACK_TRACE.</summary>
    StackTrace = 7,
    /// <summary>BPF_MAP_TYPE_CGROUP_ARRAY.</summary>
    CgroupArray = 8,
    /// <summary>BPF_MAP_TYPE_LRU_HASH: a hash table that evicts the least recently used entry when full.</summary>
    LruHash = 9,
    /// <summary>BPF_MAP_TYPE_LRU_PERCPU_HASH: an LRU hash table with one value per processor slot.</summary>
    LruPerCpuHash = 10,
    /// <summary>BPF_MAP_TYPE_LPM_TRIE: longest-prefix match on (prefix length, data) keys.</summary>
    LpmTrie = 11,
    /// <summary>BPF_MAP_TYPE_ARRAY_OF_MAPS: an array whose values are maps.</summary>
    ArrayOfMaps = 12,
    /// <summary>BPF_MAP_TYPE_HASH_OF_MAPS: a hash table whose values are maps.</summary>
    HashOfMaps = 13,
    /// <summary>BPF_MAP_TYPE_DEVMAP.</summary>
    DevMap = 14,
    /// <summary>BPF_MAP_TYPE_SOCKMAP.</summary>
    SockMap = 15,
    /// <summary>BPF_MAP_TYPE_CPUMAP.</summary>
    CpuMap = 16,
    /// <summary>BPF_MAP_TYPE_XSKMAP.</summary>
    XskMap = 17,
    /// <summary>BPF_MAP_TYPE_SOCKHASH.</summary>
    SockHash = 18,
    /// <summary>BPF_MAP_TYPE_CGROUP_STORAGE.</summary>
    CgroupStorage = 19,
    /// <summary>BPF_MAP_TYPE_REUSEPORT_SOCKARRAY.</summary>
    ReuseportSockArray = 20,
    /// <summary>BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE.</summary>
    PerCpuCgroupStorage = 21,
    /// <summary>BPF_MAP_TYPE_QUEUE: a FIFO of values (key size 0).</summary>
    Queue = 22,
    /// <summary>BPF_MAP_TYPE_STACK: a LIFO of values (key size 0).</summary>
    Stack = 23,
    /// <summary>BPF_MAP_TYPE_SK_STORAGE.</summary>
    SkStorage = 24,
    /// <summary>BPF_MAP_TYPE_DEVMAP_HASH.</summary>
    DevMapHash = 25,
    /// <summary>BPF_MAP_TYPE_STRUCT_OPS.</summary>
    StructOps = 26,
    /// <summary>BPF_MAP_TYPE_RINGBUF: a multi-producer, single-consumer ring of variable-size records.</summary>
    RingBuffer = 27,
    /// <summary>BPF_MAP_TYPE_INODE_STORAGE.</summary>
    InodeStorage = 28,
    /// <summary>BPF_MAP_TYPE_TASK_STORAGE.</summary>
    TaskStorage = 29,
    /// <summary>BPF_MAP_TYPE_BLOOM_FILTER: a probabilistic set (key size 0): no false negatives.</summary>
    BloomFilter = 30,
    /// <summary>BPF_MAP_TYPE_USER_RINGBUF.</summary>
    UserRingBuffer = 31,
}
