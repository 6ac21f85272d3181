package io.trino.plugin.icedb;

import com.google.inject.Inject;
import io.airlift.stats.CounterStat;
import io.airlift.stats.TimeStat;
import io.icedb.engine.LogCache;
import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotReader;
import io.icedb.engine.SnapshotTime;
import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileParser;
import io.trino.plugin.icedb.cache.IcedbLogCache;
import io.trino.plugin.icedb.fileio.IcedbFileIoFactory;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.security.ConnectorIdentity;
import jakarta.annotation.PreDestroy;
import org.weakref.jmx.Managed;
import org.weakref.jmx.Nested;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

import static io.airlift.concurrent.Threads.daemonThreadsNamed;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;
import static java.util.concurrent.Executors.newCachedThreadPool;
import static java.util.concurrent.TimeUnit.MILLISECONDS;

/**
 * Reads snapshots with the engine. Parsed logs are cached per storage root (log files are immutable, and keys of two
 * buckets must not share a cache).
 */
public final class IcedbSnapshotLoader
{
    private final IcedbFileIoFactory fileIoFactory;
    private final IcedbLogCache logCache;
    private final int logReadThreads;
    private final TimeStat snapshotReads = new TimeStat(MILLISECONDS);
    private final CounterStat snapshotReadFailures = new CounterStat();
    private final CounterStat logFileReads = new CounterStat();
    private final ExecutorService logReadExecutor = newCachedThreadPool(daemonThreadsNamed("icedb-log-read-%s"));

    @Inject
    public IcedbSnapshotLoader(IcedbFileIoFactory fileIoFactory, IcedbConfig config, IcedbLogCache logCache)
    {
        this.fileIoFactory = requireNonNull(fileIoFactory, "fileIoFactory is null");
        this.logCache = requireNonNull(logCache, "logCache is null");
        this.logReadThreads = config.getLogReadThreads();
    }

    @PreDestroy
    public void shutdown()
    {
        logReadExecutor.shutdownNow();
    }

    /**
     * One log file of the table, parsed (from the cache when it was read before).
     */
    public LogFile readLog(ConnectorIdentity identity, SchemaTableName table, IcedbTableLocation location, String key)
    {
        LogCache cache = logCache(location);
        Optional<LogFile> cached = cache.get(key);
        if (cached.isPresent()) {
            return cached.get();
        }
        try {
            logFileReads.update(1);
            LogFile logFile = LogFileParser.parse(key, fileIoFactory.create(identity, location).read(key));
            cache.put(key, logFile);
            return logFile;
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to read log file %s%s of table %s", location.root(), key, table), e);
        }
        catch (IcedbException e) {
            throw IcedbExceptions.translate(table, location, e);
        }
    }

    private LogCache logCache(IcedbTableLocation location)
    {
        return logCache.forRoot(location.root());
    }

    /**
     * @throws io.trino.spi.TrinoException translated from the engine's exceptions, naming the table
     */
    public Snapshot load(ConnectorIdentity identity, SchemaTableName table, IcedbTableLocation location, SnapshotTime time)
    {
        IcedbFileIo fileIo = fileIoFactory.create(identity, location);
        LogCache cache = logCache(location);
        try (TimeStat.BlockTimer _ = snapshotReads.time()) {
            return new SnapshotReader(fileIo, cache, logReadExecutor, logReadThreads).read(location.prefix(), time);
        }
        catch (IcedbException e) {
            snapshotReadFailures.update(1);
            throw IcedbExceptions.translate(table, location, e);
        }
        catch (RuntimeException e) {
            snapshotReadFailures.update(1);
            throw e;
        }
    }

    /**
     * Snapshot reads (listing and folding a table's logs) and their duration.
     */
    @Managed
    @Nested
    public TimeStat getSnapshotReads()
    {
        return snapshotReads;
    }

    @Managed
    @Nested
    public CounterStat getSnapshotReadFailures()
    {
        return snapshotReadFailures;
    }

    /**
     * Single log files read for the metadata tables (past the cache).
     */
    @Managed
    @Nested
    public CounterStat getLogFileReads()
    {
        return logFileReads;
    }
}
