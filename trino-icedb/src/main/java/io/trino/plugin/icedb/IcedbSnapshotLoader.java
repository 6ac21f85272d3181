package io.trino.plugin.icedb;

import com.google.inject.Inject;
import io.airlift.stats.CounterStat;
import io.airlift.stats.TimeStat;
import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotTime;
import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.table.LogChange;
import io.icedb.engine.table.TableLog;
import io.trino.plugin.icedb.cache.IcedbLogCache;
import io.trino.plugin.icedb.fileio.IcedbFileIoFactory;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.security.ConnectorIdentity;
import jakarta.annotation.PreDestroy;
import org.weakref.jmx.Managed;
import org.weakref.jmx.Nested;

import java.util.List;
import java.util.concurrent.ExecutorService;

import static io.airlift.concurrent.Threads.daemonThreadsNamed;
import static java.util.Objects.requireNonNull;
import static java.util.concurrent.Executors.newCachedThreadPool;
import static java.util.concurrent.TimeUnit.MILLISECONDS;

/**
 * Gives the engine's {@link TableLog} of a table and reads snapshots with it. Parsed logs are cached per storage root
 * (log files are immutable, and keys of two buckets must not share a cache).
 */
public final class IcedbSnapshotLoader
{
    private final IcedbFileIoFactory fileIoFactory;
    private final IcedbLogCache logCache;
    private final int logReadThreads;
    private final TimeStat snapshotReads = new TimeStat(MILLISECONDS);
    private final CounterStat snapshotReadFailures = new CounterStat();
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
     * The engine's log of the table at {@code location}: the one way the connector lists, reads and commits logs.
     */
    public TableLog tableLog(ConnectorIdentity identity, IcedbTableLocation location)
    {
        IcedbFileIo fileIo = fileIoFactory.create(identity, location);
        return new TableLog(fileIo, location.prefix(), logCache.forRoot(location.root()), logReadExecutor, logReadThreads);
    }

    /**
     * @throws io.trino.spi.TrinoException translated from the engine's exceptions, naming the table
     */
    public Snapshot load(ConnectorIdentity identity, SchemaTableName table, IcedbTableLocation location, SnapshotTime time)
    {
        try (TimeStat.BlockTimer _ = snapshotReads.time()) {
            return tableLog(identity, location).snapshot(time);
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
}
