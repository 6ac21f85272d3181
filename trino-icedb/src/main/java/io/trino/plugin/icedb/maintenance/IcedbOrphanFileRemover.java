package io.trino.plugin.icedb.maintenance;

import com.google.common.collect.ImmutableMap;
import com.google.inject.Inject;
import io.airlift.log.Logger;
import io.airlift.units.Duration;
import io.icedb.engine.commit.OrphanPlanner;
import io.icedb.engine.commit.OrphanPlanner.OrphanPlan;
import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.io.FileEntry;
import io.icedb.engine.lease.LeaseHandle;
import io.icedb.engine.spec.TablePaths;
import io.icedb.engine.table.TableLogs;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorSession;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_MISSING_DATA;
import static io.trino.spi.StandardErrorCode.INVALID_PROCEDURE_ARGUMENT;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * Deletes objects under the table's {@code P/_data/} that no log references and that were last modified before a
 * threshold, as the engine's {@link OrphanPlanner} plans them; never looks outside {@code P/_data/}, so logs and
 * {@code P/_icedb/} are never touched. The threshold protects parts of writes still in flight (written before their
 * log): it must be at least {@code icedb.remove-orphan-files.min-retention} in the past. Takes the maintenance lease, so
 * it never runs alongside a merge or cleanup.
 */
public final class IcedbOrphanFileRemover
{
    private static final Logger log = Logger.get(IcedbOrphanFileRemover.class);

    private final IcedbMaintenance maintenance;
    private final Duration minRetention;

    @Inject
    public IcedbOrphanFileRemover(IcedbMaintenance maintenance, IcedbMaintenanceConfig config)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
        this.minRetention = config.getRemoveOrphanFilesMinRetention();
    }

    public Duration minRetention()
    {
        return minRetention;
    }

    /**
     * @param olderThanMillis only objects last modified strictly before this are deleted
     * @throws TrinoException {@code INVALID_PROCEDURE_ARGUMENT} when the threshold is later than now minus the minimum retention
     */
    public OrphanFilesResult removeOrphanFiles(ConnectorSession session, MaintainedTable table, long olderThanMillis)
    {
        long now = maintenance.clock().millis();
        long latestAllowed = now - minRetention.toMillis();
        if (olderThanMillis > latestAllowed) {
            throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, format(
                    "Threshold %s of remove_orphan_files on table %s is less than the minimum retention configured in the system (%s, icedb.remove-orphan-files.min-retention) before now: it must be %s or earlier",
                    Instant.ofEpochMilli(olderThanMillis),
                    table.name(),
                    minRetention,
                    Instant.ofEpochMilli(latestAllowed)));
        }
        try (LeaseHandle _ = maintenance.acquireLease(session, table, "remove_orphan_files")) {
            String dataPrefix = TablePaths.dataPrefix(table.prefix());
            // list the data before the logs: a part listed here whose log appears later is younger than the threshold
            List<FileEntry> objects;
            try {
                objects = table.fileIo().list(dataPrefix);
            }
            catch (IOException e) {
                throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to list %s of table %s", dataPrefix, table), e);
            }
            TableLogs logs = table.log().readAll();
            if (logs.isEmpty()) {
                throw new TrinoException(ICEDB_MISSING_DATA, format("Table %s has no log files; refusing to remove orphan files", table));
            }
            OrphanPlan plan = OrphanPlanner.plan(table.prefix(), objects, logs, olderThanMillis);
            if (plan.unlistedAlivePart().isPresent()) {
                throw new TrinoException(ICEDB_MISSING_DATA, format("Part %s of table %s is alive but not found under %s; refusing to remove orphan files", plan.unlistedAlivePart().get(), table, dataPrefix));
            }
            if (!plan.nestedTablePrefixes().isEmpty()) {
                log.warn("Table %s has other tables nested under %s; remove_orphan_files leaves them alone: %s", table, dataPrefix, plan.nestedTablePrefixes());
            }
            List<String> deleted = plan.filesToDelete();
            long deletedBytes = plan.bytesToDelete();
            int keptYoung = plan.filesKeptYoung();
            try {
                table.fileIo().deleteAll(deleted);
            }
            catch (IOException e) {
                throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to delete orphan files of table %s: %s", table, e.getMessage()), e);
            }
            OrphanFilesResult result = new OrphanFilesResult(objects.size(), deleted, deletedBytes, keptYoung);
            log.info("Removed %s orphan files (%s bytes) of table %s last modified before %s (%s objects under %s, %s unreferenced but younger kept): %s",
                    deleted.size(),
                    deletedBytes,
                    table,
                    Instant.ofEpochMilli(olderThanMillis),
                    objects.size(),
                    dataPrefix,
                    keptYoung,
                    deleted);
            maintenance.recordRun(session, table, "remove_orphan_files", now, Optional.empty(), ImmutableMap.of(
                    "files_scanned", (long) objects.size(),
                    "files_deleted", (long) deleted.size(),
                    "bytes_deleted", deletedBytes,
                    "files_kept_young", (long) keptYoung,
                    "older_than_ms", olderThanMillis));
            return result;
        }
        catch (IcedbException e) {
            throw IcedbMaintenance.translate(table, e);
        }
    }
}
