package io.trino.plugin.icedb.cache;

import com.google.common.cache.Cache;
import com.google.inject.Inject;
import io.airlift.units.DataSize;
import io.icedb.engine.CommitPosition;
import io.icedb.engine.LogCache;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogTombstone;
import io.trino.cache.EvictableCacheBuilder;
import io.trino.plugin.icedb.IcedbConfig;
import org.weakref.jmx.Managed;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * The parsed log files of every storage root, on Trino's cache library, bounded by their estimated memory
 * ({@code icedb.log-cache.max-size}; {@code 0B} disables it). Log files are immutable, so entries never go stale.
 * Hits, misses, evictions and entries are exported to JMX. The logs' order sidecars (immutable, and so is their absence
 * once their log exists) are cached beside them, in a second cache with the same bound.
 */
public final class IcedbLogCache
{
    private final Cache<RootKey, LogFile> cache;
    private final Cache<RootKey, Map<String, CommitPosition>> commitPositions;
    private final long maxSizeBytes;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    @Inject
    public IcedbLogCache(IcedbConfig config)
    {
        this(config.getLogCacheMaxSize());
    }

    public IcedbLogCache(DataSize maxSize)
    {
        this.maxSizeBytes = maxSize.toBytes();
        this.cache = EvictableCacheBuilder.newBuilder()
                .maximumWeight(maxSizeBytes)
                .weigher((RootKey key, LogFile logFile) -> (int) Math.min(Integer.MAX_VALUE, 2L * key.key().length() + estimatedSizeInBytes(logFile)))
                .recordStats()
                .shareNothingWhenDisabled()
                .build();
        this.commitPositions = EvictableCacheBuilder.newBuilder()
                .maximumWeight(maxSizeBytes)
                .weigher((RootKey key, Map<String, CommitPosition> positions) -> (int) Math.min(Integer.MAX_VALUE, 2L * key.key().length() + estimatedSizeInBytes(positions)))
                .shareNothingWhenDisabled()
                .build();
    }

    /**
     * The cache's view of one storage root (keys of two buckets must not share entries).
     */
    public LogCache forRoot(String root)
    {
        requireNonNull(root, "root is null");
        return new LogCache()
        {
            @Override
            public Optional<LogFile> get(String key)
            {
                LogFile logFile = cache.getIfPresent(new RootKey(root, key));
                (logFile == null ? misses : hits).incrementAndGet();
                return Optional.ofNullable(logFile);
            }

            @Override
            public void put(String key, LogFile logFile)
            {
                requireNonNull(logFile, "logFile is null");
                try {
                    cache.get(new RootKey(root, key), () -> logFile);
                }
                catch (ExecutionException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public Optional<Map<String, CommitPosition>> getCommitPositions(String sidecarKey)
            {
                return Optional.ofNullable(commitPositions.getIfPresent(new RootKey(root, sidecarKey)));
            }

            @Override
            public void putCommitPositions(String sidecarKey, Map<String, CommitPosition> positions)
            {
                requireNonNull(positions, "positions is null");
                try {
                    commitPositions.get(new RootKey(root, sidecarKey), () -> Map.copyOf(positions));
                }
                catch (ExecutionException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    @Managed
    public long getHitCount()
    {
        return hits.get();
    }

    @Managed
    public long getMissCount()
    {
        return misses.get();
    }

    @Managed
    public double getHitRate()
    {
        long requests = hits.get() + misses.get();
        return requests == 0 ? 1.0 : (double) hits.get() / requests;
    }

    @Managed
    public long getEvictionCount()
    {
        return cache.stats().evictionCount();
    }

    @Managed
    public long getSize()
    {
        return cache.size();
    }

    @Managed
    public long getMaxSizeInBytes()
    {
        return maxSizeBytes;
    }

    /**
     * What a parsed log keeps on the heap, roughly: strings at two bytes a character plus object overheads.
     */
    static long estimatedSizeInBytes(LogFile logFile)
    {
        long bytes = 128;
        for (FileMarker marker : logFile.fileMarkers()) {
            bytes += 96 + 2L * marker.path().length();
        }
        for (LogTombstone tombstone : logFile.logTombstones()) {
            bytes += 64 + 2L * tombstone.path().length();
        }
        for (Map.Entry<String, String> column : logFile.schema().columns().entrySet()) {
            bytes += 96 + 2L * (column.getKey().length() + column.getValue().length());
        }
        return bytes;
    }

    /**
     * What parsed commit positions keep on the heap, roughly (positions of one sidecar share their instance).
     */
    static long estimatedSizeInBytes(Map<String, CommitPosition> positions)
    {
        long bytes = 64;
        for (Map.Entry<String, CommitPosition> entry : positions.entrySet()) {
            bytes += 64 + 2L * entry.getKey().length();
        }
        for (CommitPosition position : Set.copyOf(positions.values())) {
            bytes += 96 + 2L * position.after().length();
            for (String name : position.seen()) {
                bytes += 48 + 2L * name.length();
            }
        }
        return bytes;
    }

    private record RootKey(String root, String key)
    {
        private RootKey
        {
            requireNonNull(root, "root is null");
            requireNonNull(key, "key is null");
        }
    }
}
