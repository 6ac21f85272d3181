package io.trino.plugin.icedb;

import com.google.inject.Inject;
import io.icedb.engine.LogFileCache;
import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotTime;
import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.table.LogChange;
import io.icedb.engine.table.TableLog;
import io.trino.plugin.icedb.fileio.IcedbFileIoFactory;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.security.ConnectorIdentity;
import jakarta.annotation.PreDestroy;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;

import static io.airlift.concurrent.Threads.daemonThreadsNamed;
import static java.util.Objects.requireNonNull;
import static java.util.concurrent.Executors.newCachedThreadPool;

/**
 * Gives the engine's {@link TableLog} of a table and reads snapshots with it. Parsed logs are cached per storage root
 * (log files are immutable, and keys of two buckets must not share a cache).
 */
public final class IcedbSnapshotLoader
{
    private final IcedbFileIoFactory fileIoFactory;
    private final int logCacheMaxEntries;
    private final int logReadThreads;
    private final ConcurrentMap<String, LogFileCache> logCaches = new ConcurrentHashMap<>();
    private final ExecutorService logReadExecutor = newCachedThreadPool(daemonThreadsNamed("icedb-log-read-%s"));

    @Inject
    public IcedbSnapshotLoader(IcedbFileIoFactory fileIoFactory, IcedbConfig config)
    {
        this.fileIoFactory = requireNonNull(fileIoFactory, "fileIoFactory is null");
        this.logCacheMaxEntries = config.getLogCacheMaxEntries();
        this.logReadThreads = config.getLogReadThreads();
    }

    @PreDestroy
    public void shutdown()
    {
        logReadExecutor.shutdownNow();
    }

    /**
     * The engine's log of the table at {@code location}: the one way the connector lists, reads and commits logs.
     */
    public TableLog tableLog(ConnectorIdentity identity, IcedbTableLocation location)
    {
        IcedbFileIo fileIo = fileIoFactory.create(identity, location);
        LogFileCache cache = logCaches.computeIfAbsent(location.root(), _ -> new LogFileCache(logCacheMaxEntries));
        return new TableLog(fileIo, location.prefix(), cache, logReadExecutor, logReadThreads);
    }

    /**
     * @throws io.trino.spi.TrinoException translated from the engine's exceptions, naming the table
     */
    public Snapshot load(ConnectorIdentity identity, SchemaTableName table, IcedbTableLocation location, SnapshotTime time)
    {
        try {
            return tableLog(identity, location).snapshot(time);
        }
        catch (IcedbException e) {
            throw IcedbExceptions.translate(table, location, e);
        }
    }

    /**
     * What each log of the snapshot holds and changed, in fold order.
     */
    public List<LogChange> changes(ConnectorIdentity identity, SchemaTableName table, IcedbTableLocation location, Snapshot snapshot)
    {
        try {
            return tableLog(identity, location).changes(snapshot);
        }
        catch (IcedbException e) {
            throw IcedbExceptions.translate(table, location, e);
        }
    }
}
