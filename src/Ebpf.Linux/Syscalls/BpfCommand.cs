namespace Ebpf.Linux.Syscalls;

/// <summary>
/// The commands of the <c>bpf()</c> system call, numbered as in <c>enum bpf_cmd</c> of <c>linux/bpf.h</c>.
/// </summary>
public enum BpfCommand
{
    /// <summary>Create a map (BPF_MAP_CREATE).</summary>
    MapCreate = 0,
    /// <summary>Look up an element of a map (BPF_MAP_LOOKUP_ELEM).</summary>
    MapLookupElement = 1,
    /// <summary>Create or update an element of a map (BPF_MAP_UPDATE_ELEM).</summary>
    MapUpdateElement = 2,
    /// <summary>Delete an element of a map (BPF_MAP_DELETE_ELEM).</summary>
    MapDeleteElement = 3,
    /// <summary>Iterate over the keys of a map (BPF_MAP_GET_NEXT_KEY).</summary>
    MapGetNextKey = 4,
    /// <summary>Verify and load a program (BPF_PROG_LOAD).</summary>
    ProgramLoad = 5,
    /// <summary>Pin an object in the bpf file system (BPF_OBJ_PIN).</summary>
    ObjectPin = 6,
    /// <summary>Open a pinned object (BPF_OBJ_GET).</summary>
    ObjectGet = 7,
    /// <summary>Attach a program to a hook (BPF_PROG_ATTACH).</summary>
    ProgramAttach = 8,
    /// <summary>Detach a program from a hook (BPF_PROG_DETACH).</summary>
    ProgramDetach = 9,
    /// <summary>Run a loaded program once or more on test input (BPF_PROG_TEST_RUN, also BPF_PROG_RUN).</summary>
    ProgramTestRun = 10,
    /// <summary>Iterate over loaded program ids (BPF_PROG_GET_NEXT_ID).</summary>
    ProgramGetNextId = 11,
    /// <summary>Iterate over map ids (BPF_MAP_GET_NEXT_ID).</summary>
    MapGetNextId = 12,
    /// <summary>Open a program by id (BPF_PROG_GET_FD_BY_ID).</summary>
    ProgramGetFdById = 13,
    /// <summary>Open a map by id (BPF_MAP_GET_FD_BY_ID).</summary>
    MapGetFdById = 14,
    /// <summary>Describe a program, map, BTF or link (BPF_OBJ_GET_INFO_BY_FD).</summary>
    ObjectGetInfoByFd = 15,
    /// <summary>List the programs attached to a hook (BPF_PROG_QUERY).</summary>
    ProgramQuery = 16,
    /// <summary>Attach to a raw tracepoint (BPF_RAW_TRACEPOINT_OPEN).</summary>
    RawTracepointOpen = 17,
    /// <summary>Load BTF type information (BPF_BTF_LOAD).</summary>
    BtfLoad = 18,
    /// <summary>Open BTF by id (BPF_BTF_GET_FD_BY_ID).</summary>
    BtfGetFdById = 19,
    /// <summary>Ask which program a perf event or tracepoint fd runs (BPF_TASK_FD_QUERY).</summary>
    TaskFdQuery = 20,
    /// <summary>Look up and delete one element (BPF_MAP_LOOKUP_AND_DELETE_ELEM).</summary>
    MapLookupAndDeleteElement = 21,
    /// <summary>Make a map read-only to user space (BPF_MAP_FREEZE).</summary>
    MapFreeze = 22,
    /// <summary>Iterate over BTF ids (BPF_BTF_GET_NEXT_ID).</summary>
    BtfGetNextId = 23,
    /// <summary>Look up many elements (BPF_MAP_LOOKUP_BATCH).</summary>
    MapLookupBatch = 24,
    /// <summary>Look up and delete many elements (BPF_MAP_LOOKUP_AND_DELETE_BATCH).</summary>
    MapLookupAndDeleteBatch = 25,
    /// <summary>Update many elements (BPF_MAP_UPDATE_BATCH).</summary>
    MapUpdateBatch = 26,
    /// <summary>Delete many elements (BPF_MAP_DELETE_BATCH).</summary>
    MapDeleteBatch = 27,
    /// <summary>Attach a program through a link (BPF_LINK_CREATE).</summary>
    LinkCreate = 28,
    /// <summary>Replace the program of a link (BPF_LINK_UPDATE).</summary>
    LinkUpdate = 29,
    /// <summary>Open a link by id (BPF_LINK_GET_FD_BY_ID).</summary>
    LinkGetFdById = 30,
    /// <summary>Iterate over link ids (BPF_LINK_GET_NEXT_ID).</summary>
    LinkGetNextId = 31,
    /// <summary>Turn on run-time statistics (BPF_ENABLE_STATS).</summary>
    EnableStats = 32,
    /// <summary>Create an iterator from a link (BPF_ITER_CREATE).</summary>
    IteratorCreate = 33,
    /// <summary>Detach a link (BPF_LINK_DETACH).</summary>
    LinkDetach = 34,
    /// <summary>Bind a map to a program (BPF_PROG_BIND_MAP).</summary>
    ProgramBindMap = 35,
    /// <summary>Create a BPF token from a bpf file system (BPF_TOKEN_CREATE, Linux 6.9).</summary>
    TokenCreate = 36,
}
