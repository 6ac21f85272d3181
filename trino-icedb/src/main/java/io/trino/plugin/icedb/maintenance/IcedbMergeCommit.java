package io.trino.plugin.icedb.maintenance;

import com.google.inject.Inject;
import io.airlift.log.Logger;
import io.icedb.engine.Snapshot;
import io.icedb.engine.commit.MergedLogBuilder;
import io.icedb.engine.commit.MergedLogBuilder.MergedLog;
import io.icedb.engine.lease.LeaseHandle;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.TableOwnership;
import io.icedb.engine.table.TableLog;
import io.icedb.engine.table.TableLogs;
import io.trino.filesystem.TrinoFileSystem;
import io.trino.plugin.icedb.IcedbWrittenPart;
import io.trino.spi.connector.ConnectorSession;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    @Inject
    public IcedbMergeCommit(IcedbMaintenance maintenance)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
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
     * Creates the merged log through the lease, then logs and records the run.
     *
     * @throws io.icedb.engine.exceptions.LeaseLostException when the lease is lost: the log does not exist and never will
     */
    public void commit(ConnectorSession session, MaintainedTable table, LeaseHandle lease, MergedLog mergedLog, long startedMillis, Stats stats)
    {
        commit(session, table, lease, mergedLog, "merge", startedMillis, MergeResult.metrics(
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
     * Creates the merged log of {@code operation} through the lease and records the run with {@code metrics}; the
     * caller logs what it did.
     *
     * @throws io.icedb.engine.exceptions.LeaseLostException when the lease is lost: the log does not exist and never will
     */
    public void commit(ConnectorSession session, MaintainedTable table, LeaseHandle lease, MergedLog mergedLog, String operation, long startedMillis, Map<String, Long> metrics)
    {
        TableLog.commitUnderLease(lease, mergedLog.log());
        maintenance.recordRun(session, table, operation, startedMillis, Optional.of(mergedLog.log().key()), metrics);
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
