package io.trino.plugin.icedb.maintenance;

import com.google.common.collect.ImmutableMap;
import com.google.inject.Inject;
import io.airlift.log.Logger;
import io.airlift.units.Duration;
import io.icedb.engine.CommitPosition;
import io.icedb.engine.commit.CleanupPlan;
import io.icedb.engine.commit.CleanupPlanner;
import io.icedb.engine.commit.OrderSidecar;
import io.icedb.engine.commit.PlannedLog;
import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.history.MaintenanceHistory;
import io.icedb.engine.lease.LeaseHandle;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.spec.TablePaths;
import io.icedb.engine.stats.DistinctSketches;
import io.icedb.engine.stats.StatsSidecar;
import io.icedb.engine.table.TableLog;
import io.icedb.engine.table.TableLogs;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorSession;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static io.trino.spi.StandardErrorCode.INVALID_PROCEDURE_ARGUMENT;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;
import static java.util.stream.Collectors.toMap;

/**
 * Tombstone cleanup (spec §5) that keeps time travel inside the retention window: under the maintenance lease, plans with
 * {@link CleanupPlanner}, creates the folded merged log (stamped just below the window start) through the lease, then
 * deletes the dead parts, then the folded logs. Snapshots at or after {@code now - retention} read exactly as before;
 * earlier ones answer "no data at" that time (their logs are gone).
 */
public final class IcedbCleaner
{
    private static final Logger log = Logger.get(IcedbCleaner.class);

    private final IcedbMaintenance maintenance;
    private final Duration minRetention;

    @Inject
    public IcedbCleaner(IcedbMaintenance maintenance, IcedbMaintenanceConfig config)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
        this.minRetention = config.getCleanupMinRetention();
    }

    /**
     * The shortest retention accepted, and the default.
     */
    public Duration minRetention()
    {
        return minRetention;
    }

    /**
     * @throws TrinoException {@code INVALID_PROCEDURE_ARGUMENT} when {@code retention} is shorter than {@code icedb.cleanup.min-retention}
     */
    public CleanupResult cleanup(ConnectorSession session, MaintainedTable table, Duration retention)
    {
        requireNonNull(retention, "retention is null");
        if (retention.compareTo(minRetention) < 0) {
            throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, format(
                    "Retention specified (%s) is shorter than the minimum retention configured in the system (%s, icedb.cleanup.min-retention); cleanup of table %s refused",
                    retention,
                    minRetention,
                    table.name()));
        }
        long startedMillis = maintenance.clock().millis();
        try (LeaseHandle lease = maintenance.acquireLease(session, table, "cleanup")) {
            TableLogs logs = table.log().readAll();
            long now = maintenance.clock().millis();
            CleanupPlan plan = CleanupPlanner.plan(table.prefix(), logs.asMap(), now, retention.toMillis(), IcedbMaintenance.newLogHost());
            if (!plan.foreignPartsKept().isEmpty()) {
                log.warn("Cleanup of table %s keeps %s dead parts outside its %s: the table does not own them, so they are never deleted: %s",
                        table, plan.foreignPartsKept().size(), TablePaths.dataPrefix(table.prefix()), plan.foreignPartsKept());
            }
            if (plan.isEmpty()) {
                int sketchesDeleted = deleteUnselectableSketches(table, logs, plan.windowStartMillis());
                log.info("Cleanup of table %s with retention %s: nothing to clean up before %s (deleted %s distinct-value sketches)",
                        table, retention, Instant.ofEpochMilli(plan.windowStartMillis()), sketchesDeleted);
                return new CleanupResult(plan.windowStartMillis(), Optional.empty(), 0, 0);
            }
            PlannedLog folded = plan.logToCreate().orElseThrow();
            // the parts of the folded logs keep their places in commit order (the folded log now adds them all)
            Map<String, CommitPosition> carried = OrderSidecar.carried(logs.fold(), Set.copyOf(plan.logsToDelete()));
            if (!carried.isEmpty()) {
                try {
                    OrderSidecar.create(table.fileIo(), table.prefix(), folded.key(), carried);
                }
                catch (IOException e) {
                    throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Cleanup of table %s failed to create the order sidecar of %s: %s", table, folded.key(), e.getMessage()), e);
                }
            }
            TableLog.commitUnderLease(lease, folded);
            // only now that the folded log exists are the parts and logs unreachable from every snapshot inside the window
            List<String> recordsToDelete;
            int sketchesDeleted;
            try {
                table.fileIo().deleteAll(plan.dataPartsToDelete());
                table.fileIo().deleteAll(plan.logsToDelete());
                // their statistics sidecars (P/_icedb/stats/) describe parts no snapshot reaches any more
                table.fileIo().deleteAll(plan.logsToDelete().stream().map(logKey -> StatsSidecar.sidecarKey(table.prefix(), logKey)).toList());
                sketchesDeleted = deleteUnselectableSketches(table, logs, plan.windowStartMillis());
                // and their order sidecars (P/_icedb/order/) place parts of logs that no longer exist
                table.fileIo().deleteAll(plan.logsToDelete().stream()
                        .filter(logKey -> LogFileName.parse(CommitPosition.logName(logKey)).map(LogFileName::merged).orElse(false))
                        .map(logKey -> OrderSidecar.sidecarKey(table.prefix(), logKey))
                        .toList());
                // the maintenance history goes back as far as the table's
                recordsToDelete = MaintenanceHistory.recordsFinishedBefore(table.fileIo(), table.prefix(), plan.windowStartMillis());
                table.fileIo().deleteAll(recordsToDelete);
            }
            catch (IOException e) {
                throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format(
                        "Cleanup of table %s created %s but failed to delete its dead parts and folded logs (the next cleanup finishes it): %s",
                        table,
                        folded.key(),
                        e.getMessage()), e);
            }
            CleanupResult result = new CleanupResult(plan.windowStartMillis(), Optional.of(folded.key()), plan.dataPartsToDelete().size(), plan.logsToDelete().size());
            Set<String> deletedParts = Set.copyOf(plan.dataPartsToDelete());
            long bytesDeleted = logs.asMap().values().stream()
                    .flatMap(logFile -> logFile.fileMarkers().stream())
                    .filter(marker -> deletedParts.contains(marker.path()))
                    .collect(toMap(FileMarker::path, FileMarker::bytes, (first, _) -> first))
                    .values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
            log.info("Cleanup of table %s with retention %s (window from %s): folded %s logs into %s, deleted %s dead parts and %s logs",
                    table,
                    retention,
                    Instant.ofEpochMilli(plan.windowStartMillis()),
                    plan.logsToDelete().size(),
                    folded.key(),
                    plan.dataPartsToDelete().size(),
                    plan.logsToDelete().size());
            maintenance.recordRun(session, table, "cleanup", startedMillis, result.foldedLog(), ImmutableMap.of(
                    "parts_deleted", (long) result.partsDeleted(),
                    "bytes_deleted", bytesDeleted,
                    "logs_deleted", (long) result.logsDeleted(),
                    "history_records_deleted", (long) recordsToDelete.size(),
                    "sketches_deleted", (long) sketchesDeleted,
                    "foreign_parts_kept", (long) plan.foreignPartsKept().size(),
                    "retention_window_start_ms", result.windowStartMillis()));
            return result;
        }
        catch (IcedbException e) {
            throw IcedbMaintenance.translate(table, e);
        }
    }

    /**
     * Deletes the distinct-value sketches ({@code P/_icedb/sketches/}) no snapshot inside the window selects any more:
     * those older than the one the window's oldest snapshot selects (that one, and every newer one, stay).
     *
     * @param logs every log before the cleanup
     * @return how many it deleted
     */
    private static int deleteUnselectableSketches(MaintainedTable table, TableLogs logs, long windowStartMillis)
    {
        Optional<Long> oldestVersion = logs.oldestVersionFrom(windowStartMillis);
        if (oldestVersion.isEmpty()) {
            return 0;
        }
        try {
            List<String> unselectable = DistinctSketches.unselectable(table.prefix(), DistinctSketches.list(table.fileIo(), table.prefix()), oldestVersion.get());
            table.fileIo().deleteAll(unselectable);
            return unselectable.size();
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Cleanup of table %s failed to delete its old distinct-value sketches (the next cleanup does): %s", table, e.getMessage()), e);
        }
    }
}
