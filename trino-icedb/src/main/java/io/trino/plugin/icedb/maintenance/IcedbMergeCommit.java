package io.trino.plugin.icedb.maintenance;

import com.google.inject.Inject;
import io.airlift.log.Logger;
import io.icedb.engine.CommitPosition;
import io.icedb.engine.Snapshot;
import io.icedb.engine.commit.MergedLogBuilder;
import io.icedb.engine.commit.MergedLogBuilder.MergedLog;
import io.icedb.engine.commit.OrderSidecar;
import io.icedb.engine.lease.LeaseHandle;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.TableOwnership;
import io.icedb.engine.stats.PartStats;
import io.icedb.engine.table.TableLog;
import io.icedb.engine.table.TableLogs;
import io.trino.filesystem.TrinoFileSystem;
import io.trino.plugin.icedb.IcedbWrittenPart;
import io.trino.plugin.icedb.stats.IcedbPartStatisticsStore;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorSession;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * The last step of every rewrite that replaces parts under the table's lease ({@code CALL merge}, {@code ALTER TABLE
 * EXECUTE merge}, later copy-on-write DML): the merged log ({@link MergedLogBuilder}) built on every log read under the
 * lease and stamped after the newest of them, committed through the lease, logged, and the run recorded for
 * {@code "t$maintenance"}.
 */
public final class IcedbMergeCommit
{
    private static final Logger log = Logger.get(IcedbMergeCommit.class);

    private final IcedbMaintenance maintenance;
    private final IcedbPartStatisticsStore statisticsStore;

    @Inject
    public IcedbMergeCommit(IcedbMaintenance maintenance, IcedbPartStatisticsStore statisticsStore)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
        this.statisticsStore = requireNonNull(statisticsStore, "statisticsStore is null");
    }

    /**
     * The merged log that replaces {@code replaced} by {@code newParts}; nothing is written yet.
     *
     * @param logs every log of the table, read under the lease
     */
    public MergedLog plan(TableLogs logs, Set<String> replaced, List<FileMarker> newParts)
    {
        Snapshot snapshot = logs.fold();
        return MergedLogBuilder.build(snapshot, logs.asMap(), replaced, newParts, snapshot.schema(), IcedbMaintenance.newLogHost(), logs.nextTimestamp(maintenance.clock().millis()));
    }

    /**
     * Creates the order sidecar ({@link OrderSidecar}) of the merged log, before the log: the new parts take their place
     * in commit order right after the newest log of {@code pinned}, the snapshot their rows were read from, so an insert
     * committed while the rewrite ran (stamped before the merged log) is still newer than them. Nothing is written when
     * the log adds no part.
     *
     * @param newParts the parts the merged log adds
     * @param unread keys of logs of {@code pinned} the rewrite is known not to have read
     * @throws TrinoException {@code ICEDB_FILESYSTEM_ERROR} when the sidecar cannot be created: the merged log must not be
     */
    public static void recordCommitOrder(MaintainedTable table, MergedLog mergedLog, List<FileMarker> newParts, Snapshot pinned, Set<String> unread)
    {
        if (newParts.isEmpty() || unread.containsAll(pinned.logFiles())) {
            return;
        }
        CommitPosition position = CommitPosition.of(pinned, unread);
        Map<String, CommitPosition> positions = new HashMap<>();
        newParts.forEach(part -> positions.put(part.path(), position));
        try {
            OrderSidecar.create(table.fileIo(), table.prefix(), mergedLog.log().key(), positions);
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to create the order sidecar of log %s of table %s: %s", mergedLog.log().key(), table, e.getMessage()), e);
        }
    }

    /**
     * Creates the merged log through the lease, then logs and records the run.
     *
     * @throws io.icedb.engine.exceptions.LeaseLostException when the lease is lost: the log does not exist and never will
     */
    public void commit(ConnectorSession session, MaintainedTable table, LeaseHandle lease, MergedLog mergedLog, long startedMillis, Stats stats, Map<String, PartStats> statistics)
    {
        commit(session, table, lease, mergedLog, "merge", startedMillis, statistics, MergeResult.metrics(
                stats.partitions().size(),
                stats.partsMerged(),
                stats.bytesMerged(),
                stats.partsWritten(),
                stats.bytesWritten(),
                stats.rowsWritten(),
                mergedLog.sourceLogs().size()));
        log.info("Merged %s parts (%s bytes) of table %s into %s parts (%s bytes, %s rows) in partitions %s; merged log %s supersedes %s logs",
                stats.partsMerged(),
                stats.bytesMerged(),
                table,
                stats.partsWritten(),
                stats.bytesWritten(),
                stats.rowsWritten(),
                stats.partitions(),
                mergedLog.log().key(),
                mergedLog.sourceLogs().size());
    }

    /**
     * Creates the merged log of {@code operation} through the lease, writes the statistics sidecar of the parts it
     * adds ({@code statistics}, by part key: those of parts without any are taken from their footers by readers) and
     * records the run with {@code metrics}; the caller logs what it did.
     *
     * @throws io.icedb.engine.exceptions.LeaseLostException when the lease is lost: the log does not exist and never will
     */
    public void commit(ConnectorSession session, MaintainedTable table, LeaseHandle lease, MergedLog mergedLog, String operation, long startedMillis, Map<String, PartStats> statistics, Map<String, Long> metrics)
    {
        TableLog.commitUnderLease(lease, mergedLog.log());
        statisticsStore.writeSidecar(table.fileIo(), table.location(), mergedLog.log().key(), statistics);
        maintenance.recordRun(session, table, operation, startedMillis, Optional.of(mergedLog.log().key()), metrics);
    }

    /**
     * The statistics the page sinks gave the parts they wrote, by part key.
     */
    public static Map<String, PartStats> statistics(List<IcedbWrittenPart> parts)
    {
        Map<String, PartStats> statistics = new HashMap<>();
        for (IcedbWrittenPart part : parts) {
            part.statistics().ifPresent(stats -> statistics.put(part.key(), stats));
        }
        return statistics;
    }

    /**
     * Deletes parts a rewrite wrote and will not commit, adding any failure to {@code failure}; only parts under the
     * table's {@code P/_data/} are ever deleted.
     */
    public static void deleteWrittenParts(TrinoFileSystem fileSystem, MaintainedTable table, List<IcedbWrittenPart> parts, Exception failure)
    {
        TableOwnership ownership = TableOwnership.of(table.prefix());
        for (IcedbWrittenPart part : parts) {
            if (!ownership.ownsPart(part.key())) {
                continue;
            }
            try {
                fileSystem.deleteFile(table.location().keyLocation(part.key()));
            }
            catch (IOException | RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }

    /**
     * What a merge rewrote: the partitions, the parts and bytes it replaced, and the parts, bytes and rows it wrote.
     */
    public record Stats(List<String> partitions, long partsMerged, long bytesMerged, long partsWritten, long bytesWritten, long rowsWritten)
    {
        public Stats
        {
            partitions = List.copyOf(partitions);
        }
    }
}
