package io.trino.plugin.icedb.dml;

import io.airlift.log.Logger;
import io.icedb.engine.Snapshot;
import io.icedb.engine.commit.MergedLogBuilder;
import io.icedb.engine.commit.MergedLogBuilder.MergedLog;
import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.exceptions.LeaseUnavailableException;
import io.icedb.engine.lease.LeaseHandle;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.Schema;
import io.icedb.engine.table.TableLog;
import io.icedb.engine.table.TableLogs;
import io.trino.plugin.icedb.IcedbTableCommits;
import io.trino.plugin.icedb.maintenance.IcedbMaintenance;
import io.trino.plugin.icedb.maintenance.MaintainedTable;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.SchemaTableName;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_MAINTENANCE_LEASE_UNAVAILABLE;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static java.lang.String.format;

/**
 * {@code CREATE OR REPLACE TABLE [AS]} of a table that exists: one log, committed under the table's lease, that
 * tombstones every live part and adds the new ones (a merged log; a plain log when the table has no live part). The old
 * logs stay, so time travel to before the replacement reads the old rows while inside the retention window. IceDB
 * schemas only grow (every reader unions the schema lines of all logs): a replacement must keep every column with its
 * type, and may add columns; it keeps the table's partitioning.
 */
public final class IcedbTableReplacement
{
    private static final Logger log = Logger.get(IcedbTableReplacement.class);
    private static final Duration LEASE_WAIT = Duration.ofSeconds(30);

    private IcedbTableReplacement() {}

    /**
     * @param current the table's schema now
     * @param replacement the columns (and DuckDB types) the statement defines
     */
    public static void checkCompatible(SchemaTableName name, Schema current, Schema replacement, List<String> currentPartitioning, List<String> newPartitioning)
    {
        for (Map.Entry<String, String> column : current.columns().entrySet()) {
            String newType = replacement.columns().get(column.getKey());
            if (newType == null) {
                throw new TrinoException(NOT_SUPPORTED, format(
                        "Cannot replace table %s: the new definition drops column '%s' (%s); IceDB schemas only grow, keep the column (it reads NULL in the new rows) or drop the table first",
                        name,
                        column.getKey(),
                        column.getValue()));
            }
            if (!newType.equals(column.getValue())) {
                throw new TrinoException(NOT_SUPPORTED, format(
                        "Cannot replace table %s: column '%s' has type %s and the new definition gives it %s; IceDB schemas only grow, a column's type never changes (drop the table first)",
                        name,
                        column.getKey(),
                        column.getValue(),
                        newType));
            }
        }
        if (!currentPartitioning.equals(newPartitioning)) {
            throw new TrinoException(NOT_SUPPORTED, format(
                    "Cannot replace table %s: its partitioning is %s and the new definition has %s; the old parts keep their paths for time travel, so the partitioning cannot change (drop the table first)",
                    name,
                    currentPartitioning,
                    newPartitioning));
        }
    }

    /**
     * Commits the replacement: the table's live parts are tombstoned, {@code parts} added.
     *
     * @param schema the columns of the new parts (the union with the table's schema is the log's)
     * @return the key of the committed log
     */
    public static String commit(IcedbMaintenance maintenance, IcedbTableCommits commits, ConnectorSession session, MaintainedTable table, Schema schema, List<FileMarker> parts)
    {
        long startedMillis = maintenance.clock().millis();
        LeaseHandle lease;
        try {
            lease = maintenance.acquireLease(session, table, "replace", LEASE_WAIT);
        }
        catch (LeaseUnavailableException e) {
            throw new TrinoException(ICEDB_MAINTENANCE_LEASE_UNAVAILABLE, format("Cannot replace table %s: a concurrent statement holds its lease: %s", table, e.getMessage()), e);
        }
        catch (IcedbException e) {
            throw IcedbMaintenance.translate(table, e);
        }
        try (lease) {
            TableLogs logs = table.log().readAll();
            Snapshot snapshot = logs.fold();
            Set<String> alive = snapshot.aliveFiles().stream().map(FileMarker::path).collect(toImmutableSet());
            if (alive.isEmpty()) {
                String key = commits.commitInsert(session, table.name(), table.location(), schema, parts);
                log.info("Replaced table %s (no live part) with %s parts: log %s", table, parts.size(), key);
                maintenance.recordRun(session, table, "replace", startedMillis, Optional.of(key), Map.of("parts_removed", 0L, "parts_written", (long) parts.size()));
                return key;
            }
            MergedLog mergedLog = MergedLogBuilder.build(snapshot, logs.asMap(), alive, parts, schema, IcedbMaintenance.newLogHost(), logs.nextTimestamp(maintenance.clock().millis()));
            TableLog.commitUnderLease(lease, mergedLog.log());
            log.info("Replaced table %s: merged log %s removes %s parts and adds %s", table, mergedLog.log().key(), alive.size(), parts.size());
            maintenance.recordRun(session, table, "replace", startedMillis, Optional.of(mergedLog.log().key()), Map.of("parts_removed", (long) alive.size(), "parts_written", (long) parts.size()));
            return mergedLog.log().key();
        }
        catch (IcedbException e) {
            throw IcedbMaintenance.translate(table, e);
        }
    }
}
