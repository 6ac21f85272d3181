package io.trino.plugin.icedb.procedure;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.inject.Inject;
import com.google.inject.Provider;
import io.airlift.log.Logger;
import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotReader;
import io.icedb.engine.commit.RollbackLogBuilder;
import io.icedb.engine.commit.RollbackLogBuilder.RollbackLog;
import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.lease.LeaseHandle;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.table.TableLog;
import io.icedb.engine.table.TableLogs;
import io.trino.plugin.icedb.maintenance.IcedbMaintenance;
import io.trino.plugin.icedb.maintenance.MaintainedTable;
import io.trino.plugin.icedb.mv.IcedbMaterializedViews;
import io.trino.plugin.icedb.stats.IcedbPartStatisticsStore;
import io.trino.spi.TrinoException;
import io.trino.spi.classloader.ThreadContextClassLoader;
import io.trino.spi.connector.ConnectorAccessControl;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.procedure.Procedure;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static io.trino.spi.StandardErrorCode.INVALID_PROCEDURE_ARGUMENT;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.lang.String.format;
import static java.lang.invoke.MethodHandles.lookup;
import static java.util.Objects.requireNonNull;

/**
 * {@code CALL icedb.system.rollback_to_snapshot(schema, table, snapshot_id)}, the Iceberg connector's procedure with its
 * argument names: {@code snapshot_id} is a version of the table, a log's timestamp in milliseconds (as in
 * {@code FOR VERSION AS OF} and {@code "t$snapshots"}). Under the table's maintenance lease it commits one merged log
 * ({@link RollbackLogBuilder}) whose live parts are exactly those of that version: parts added since are tombstoned,
 * parts removed since are alive again. Earlier versions keep reading as before. Refused, naming what is gone, when
 * cleanup removed that version's logs or parts.
 */
public final class RollbackToSnapshotProcedure
        implements Provider<Procedure>
{
    public static final String OPERATION = "rollback_to_snapshot";

    private static final Logger log = Logger.get(RollbackToSnapshotProcedure.class);
    private static final MethodHandle ROLLBACK_TO_SNAPSHOT;

    static {
        try {
            ROLLBACK_TO_SNAPSHOT = lookup().unreflect(RollbackToSnapshotProcedure.class.getMethod("rollbackToSnapshot", ConnectorAccessControl.class, ConnectorSession.class, String.class, String.class, Long.class));
        }
        catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private final IcedbMaintenance maintenance;
    private final IcedbPartStatisticsStore statisticsStore;

    @Inject
    public RollbackToSnapshotProcedure(IcedbMaintenance maintenance, IcedbPartStatisticsStore statisticsStore)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
        this.statisticsStore = requireNonNull(statisticsStore, "statisticsStore is null");
    }

    @Override
    public Procedure get()
    {
        return new Procedure(
                "system",
                OPERATION,
                ImmutableList.of(
                        new Procedure.Argument("SCHEMA", VARCHAR),
                        new Procedure.Argument("TABLE", VARCHAR),
                        new Procedure.Argument("SNAPSHOT_ID", BIGINT)),
                ROLLBACK_TO_SNAPSHOT.bindTo(this));
    }

    public void rollbackToSnapshot(ConnectorAccessControl accessControl, ConnectorSession session, String schema, String table, Long snapshotId)
    {
        try (ThreadContextClassLoader _ = new ThreadContextClassLoader(getClass().getClassLoader())) {
            IcedbMaintenance.checkArgumentPresent(schema, "schema");
            IcedbMaintenance.checkArgumentPresent(table, "table");
            if (snapshotId == null) {
                throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, "snapshot_id cannot be null");
            }
            MaintainedTable maintained = maintenance.table(session, schema, table);
            // a storage table's rows are what its view's refreshes recorded
            IcedbMaterializedViews.checkNotStorageTableName(maintained.name(), "roll back");
            accessControl.checkCanInsertIntoTable(null, maintained.name());
            accessControl.checkCanDeleteFromTable(null, maintained.name());
            rollback(session, maintained, snapshotId);
        }
    }

    /**
     * @return the key of the committed log; empty when the table's live parts already are those of the version
     */
    public Optional<String> rollback(ConnectorSession session, MaintainedTable table, long version)
    {
        long startedMillis = maintenance.clock().millis();
        try (LeaseHandle lease = maintenance.acquireLease(session, table, OPERATION)) {
            // read only now, under the lease, with every log
            TableLogs logs = table.log().readAll();
            List<Map.Entry<String, LogFile>> targetLogs = new ArrayList<>();
            boolean exists = false;
            long oldest = Long.MAX_VALUE;
            for (Map.Entry<String, LogFile> entry : logs.asMap().entrySet()) {
                long timestamp = timestamp(entry.getKey());
                oldest = Math.min(oldest, timestamp);
                exists |= timestamp == version;
                if (timestamp <= version) {
                    targetLogs.add(entry);
                }
            }
            if (!exists) {
                throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, oldest != Long.MAX_VALUE && version < oldest
                        ? format("Cannot roll back table %s to version %s: cleanup removed the history before version %s, the oldest left (see \"%s$snapshots\")", table.name(), version, oldest, table.name().getTableName())
                        : format("Table %s has no version %s: the versions are the log timestamps listed by \"%s$snapshots\"", table.name(), version, table.name().getTableName()));
            }
            Snapshot current = logs.fold();
            Snapshot target = SnapshotReader.fold(table.prefix(), targetLogs);
            checkStored(table, version, RollbackLogBuilder.restoredParts(current, target));

            long now = logs.nextTimestamp(maintenance.clock().millis());
            Optional<RollbackLog> rollback = RollbackLogBuilder.build(current, target, logs.asMap(), IcedbMaintenance.newLogHost(), now);
            if (rollback.isEmpty()) {
                log.info("Rollback of table %s to version %s: its live parts already are those of that version, nothing to commit", table, version);
                return Optional.empty();
            }
            RollbackLog rollbackLog = rollback.get();
            TableLog.commitUnderLease(lease, rollbackLog.log());
            // the rollback log lists the version's parts again: their statistics move to its sidecar
            statisticsStore.writeSidecar(table.fileIo(), table.location(), rollbackLog.log().key(),
                    statisticsStore.fromSidecars(table.fileIo(), table.location(), target.addedBy(), target.aliveFiles()));
            log.info("Rolled back table %s to version %s with log %s: %s parts removed %s, %s parts restored %s; it supersedes %s logs",
                    table,
                    version,
                    rollbackLog.log().key(),
                    rollbackLog.removedParts().size(),
                    rollbackLog.removedParts().stream().map(FileMarker::path).collect(toImmutableList()),
                    rollbackLog.restoredParts().size(),
                    rollbackLog.restoredParts().stream().map(FileMarker::path).collect(toImmutableList()),
                    rollbackLog.sourceLogs().size());
            maintenance.recordRun(session, table, OPERATION, startedMillis, Optional.of(rollbackLog.log().key()), ImmutableMap.<String, Long>builder()
                    .put("version", version)
                    .put("parts_removed", (long) rollbackLog.removedParts().size())
                    .put("bytes_removed", rollbackLog.removedParts().stream().mapToLong(FileMarker::bytes).sum())
                    .put("parts_restored", (long) rollbackLog.restoredParts().size())
                    .put("bytes_restored", rollbackLog.restoredParts().stream().mapToLong(FileMarker::bytes).sum())
                    .put("logs_superseded", (long) rollbackLog.sourceLogs().size())
                    .buildOrThrow());
            return Optional.of(rollbackLog.log().key());
        }
        catch (IcedbException e) {
            throw IcedbMaintenance.translate(table, e);
        }
    }

    /**
     * The parts to make alive again must still be stored: a cleanup (Python's, which keeps no history) may have deleted them.
     */
    private static void checkStored(MaintainedTable table, long version, List<FileMarker> restored)
    {
        List<String> missing = new ArrayList<>();
        for (FileMarker part : restored) {
            try {
                table.fileIo().size(part.path());
            }
            catch (NoSuchFileException _) {
                missing.add(table.location().root() + part.path());
            }
            catch (IOException e) {
                throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Table %s: failed to check part %s%s: %s", table, table.location().root(), part.path(), e.getMessage()), e);
            }
        }
        if (!missing.isEmpty()) {
            throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, format(
                    "Cannot roll back table %s to version %s: cleanup removed %s of its parts: %s",
                    table.name(),
                    version,
                    missing.size(),
                    missing));
        }
    }

    private static long timestamp(String key)
    {
        return LogFileName.parse(key.substring(key.lastIndexOf('/') + 1)).orElseThrow().timestampMillis();
    }
}
