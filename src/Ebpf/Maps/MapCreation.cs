namespace Ebpf.Maps;

/// <summary>How <see cref="Map.Create"/> builds user-space maps beyond what the spec says.</summary>
public sealed record MapCreateOptions
{
    /// <summary>The number of processor slots of per-CPU maps; defaults to <see cref="Environment.ProcessorCount"/>.</summary>
    public int ProcessorCount { get; init; } = Environment.ProcessorCount;
}

public abstract partial class Map
{
    /// <summary>
    /// Creates a user-space map from a spec after the checks the kernel makes at <c>BPF_MAP_CREATE</c> (sizes, flags,
    /// max_entries, per-type rules).
    /// </summary>
    /// <exception cref="MapException">The kernel would refuse the spec; <see cref="MapException.Errno"/> is its errno.</exception>
    public static Map Create(MapSpec spec, MapCreateOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        options ??= new MapCreateOptions();
        if (options.ProcessorCount < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.ProcessorCount, "per-CPU maps need at least one processor slot");
        MapSpecRules.EnsureValid(spec);
        try
        {
            return Construct(spec, options);
        }
        catch (OutOfMemoryException error)
        {
            throw MapErrors.Create(spec, Errno.ENOMEM, $"the map's preallocated memory could not be allocated ({error.Message}); lower max_entries or value_size");
        }
    }

    private static Map Construct(MapSpec spec, MapCreateOptions options) =>
        spec.Type switch
        {
            MapType.Hash => new HashMap(spec),
            MapType.PerCpuHash => new PerCpuHashMap(spec, options.ProcessorCount),
            MapType.LruHash => new LruHashMap(spec),
            MapType.LruPerCpuHash => new LruPerCpuHashMap(spec, options.ProcessorCount),
            MapType.Array => new ArrayMap(spec),
            MapType.PerCpuArray => new PerCpuArrayMap(spec, options.ProcessorCount),
            MapType.ProgramArray => new ProgramArrayMap(spec),
            MapType.LpmTrie => new LpmTrieMap(spec),
            MapType.ArrayOfMaps => new ArrayOfMapsMap(spec),
            MapType.HashOfMaps => new HashOfMapsMap(spec),
            MapType.Queue => new QueueMap(spec),
            MapType.Stack => new StackMap(spec),
            MapType.RingBuffer => new RingBufferMap(spec),
            MapType.BloomFilter => new BloomFilterMap(spec),
            _ => throw MapErrors.Create(spec, Errno.EINVAL, $"{spec.Type} maps are not available in user space; use the kernel backend"),
        };
}
