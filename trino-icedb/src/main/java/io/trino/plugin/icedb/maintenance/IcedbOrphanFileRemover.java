package io.trino.plugin.icedb.maintenance;

import com.google.common.collect.ImmutableMap;
import com.google.inject.Inject;
import io.airlift.log.Logger;
import io.airlift.units.Duration;
import io.icedb.engine.Snapshot;
import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.io.FileEntry;
import io.icedb.engine.lease.LeaseHandle;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.TableOwnership;
import io.icedb.engine.spec.TablePaths;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorSession;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_MISSING_DATA;
import static io.trino.spi.StandardErrorCode.INVALID_PROCEDURE_ARGUMENT;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * Deletes objects under the table's {@code P/_data/} that no log references (no marker, alive or dead, in any log: parts
 * left by failed writes) and that were last modified before a threshold; never looks outside {@code P/_data/}, so logs
 * and {@code P/_icedb/} are never touched. The threshold protects parts of writes still in flight (written before their
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
            TableLogs logs = TableLogs.read(table.fileIo(), table.prefix());
            if (logs.isEmpty()) {
                throw new TrinoException(ICEDB_MISSING_DATA, format("Table %s has no log files; refusing to remove orphan files", table));
            }
            Set<String> referenced = new HashSet<>();
            for (LogFile logFile : logs.asMap().values()) {
                for (FileMarker marker : logFile.fileMarkers()) {
                    referenced.add(marker.path());
                }
            }
            // a listing that misses a live part means keys are spelled differently than in the logs: delete nothing
            Set<String> listed = new HashSet<>();
            objects.forEach(object -> listed.add(object.key()));
            Snapshot snapshot = logs.fold();
            for (FileMarker alive : snapshot.aliveFiles()) {
                if (alive.path().startsWith(dataPrefix) && !listed.contains(alive.path())) {
                    throw new TrinoException(ICEDB_MISSING_DATA, format("Part %s of table %s is alive but not found under %s; refusing to remove orphan files", alive.path(), table, dataPrefix));
                }
            }

            // a table nested below P/_data/ (its own _log/ or _icedb/ there) is not ours: none of its objects is an orphan
            TableOwnership ownership = TableOwnership.of(table.prefix(), objects.stream().map(FileEntry::key).toList());
            if (!ownership.nestedTablePrefixes().isEmpty()) {
                log.warn("Table %s has other tables nested under %s; remove_orphan_files leaves them alone: %s", table, dataPrefix, ownership.nestedTablePrefixes());
            }
            List<String> deleted = new ArrayList<>();
            long deletedBytes = 0;
            int keptYoung = 0;
            for (FileEntry object : objects) {
                if (referenced.contains(object.key()) || !ownership.ownsPart(object.key())) {
                    continue;
                }
                if (object.lastModifiedMillis() < olderThanMillis) {
                    deleted.add(object.key());
                    deletedBytes += object.size();
                }
                else {
                    keptYoung++;
                }
            }
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
