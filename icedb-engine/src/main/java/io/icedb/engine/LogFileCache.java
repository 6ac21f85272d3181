package io.icedb.engine;

import io.icedb.engine.spec.LogFile;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Parsed log files by object key, least recently used evicted first. Log files are immutable once written
 * (spec §3), so an entry never goes stale; a deleted log is simply never asked for again and ages out.
 * One cache serves one storage root: keys of two buckets must not share a cache. Thread-safe.
 */
public final class LogFileCache
        implements LogCache
{
    public static final int DEFAULT_MAX_ENTRIES = 100_000;

    private final int maxEntries;
    private final Map<String, LogFile> entries;
    private final Map<String, Map<String, CommitPosition>> commitPositions;

    public LogFileCache()
    {
        this(DEFAULT_MAX_ENTRIES);
    }

    /**
     * @param maxEntries at most this many logs are kept; 0 disables caching
     */
    public LogFileCache(int maxEntries)
    {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries is negative: " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.entries = new LinkedHashMap<>(16, 0.75f, true)
        {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, LogFile> eldest)
            {
                return size() > LogFileCache.this.maxEntries;
            }
        };
        this.commitPositions = new LinkedHashMap<>(16, 0.75f, true)
        {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Map<String, CommitPosition>> eldest)
            {
                return size() > LogFileCache.this.maxEntries;
            }
        };
    }

    @Override
    public Optional<Map<String, CommitPosition>> getCommitPositions(String sidecarKey)
    {
        requireNonNull(sidecarKey, "sidecarKey is null");
        synchronized (commitPositions) {
            return Optional.ofNullable(commitPositions.get(sidecarKey));
        }
    }

    @Override
    public void putCommitPositions(String sidecarKey, Map<String, CommitPosition> positions)
    {
        requireNonNull(sidecarKey, "sidecarKey is null");
        requireNonNull(positions, "positions is null");
        if (maxEntries == 0) {
            return;
        }
        synchronized (commitPositions) {
            commitPositions.put(sidecarKey, Map.copyOf(positions));
        }
    }

    @Override
    public Optional<LogFile> get(String key)
    {
        requireNonNull(key, "key is null");
        synchronized (entries) {
            return Optional.ofNullable(entries.get(key));
        }
    }

    @Override
    public void put(String key, LogFile logFile)
    {
        requireNonNull(key, "key is null");
        requireNonNull(logFile, "logFile is null");
        if (maxEntries == 0) {
            return;
        }
        synchronized (entries) {
            entries.put(key, logFile);
        }
    }

    public void invalidate(String key)
    {
        requireNonNull(key, "key is null");
        synchronized (entries) {
            entries.remove(key);
        }
    }

    public void invalidateAll()
    {
        synchronized (entries) {
            entries.clear();
        }
        synchronized (commitPositions) {
            commitPositions.clear();
        }
    }

    public int size()
    {
        synchronized (entries) {
            return entries.size();
        }
    }

    public int maxEntries()
    {
        return maxEntries;
    }
}
