package io.trino.plugin.icedb.system;

import com.google.common.collect.ImmutableList;
import io.icedb.engine.Snapshot;
import io.icedb.engine.history.MaintenanceRun;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.spec.LogTombstone;
import io.icedb.engine.spec.PartitionPath;
import io.icedb.engine.table.LogChange;
import io.trino.plugin.icedb.IcedbSnapshotLoader;
import io.trino.plugin.icedb.IcedbTableDefinition;
import io.trino.plugin.icedb.IcedbTableHandle;
import io.trino.plugin.icedb.IcedbTableLocation;
import io.trino.plugin.icedb.IcedbTableViews;
import io.trino.plugin.icedb.maintenance.IcedbMaintenance;
import io.trino.spi.connector.ColumnMetadata;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.connector.SystemTable;
import io.trino.spi.type.MapType;
import io.trino.spi.type.TypeOperators;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.BooleanType.BOOLEAN;
import static io.trino.spi.type.DateTimeEncoding.packDateTimeWithZone;
import static io.trino.spi.type.TimeZoneKey.UTC_KEY;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MILLIS;
import static io.trino.spi.type.VarcharType.VARCHAR;

/**
 * The rows of the metadata tables of one snapshot:
 * {@code "t$files"} (the alive parts), {@code "t$log"} (every log file folded), {@code "t$partitions"} (parts and bytes per
 * partition), and {@code "t$maintenance"} (what maintenance runs did, from the table's history, not from the snapshot).
 */
public final class IcedbSystemTables
{
    public enum Kind
    {
        FILES, LOG, PARTITIONS, MAINTENANCE, SNAPSHOTS, HISTORY, PROPERTIES;

        public static Optional<Kind> fromSuffix(String suffix)
        {
            return Arrays.stream(values())
                    .filter(kind -> kind.name().equalsIgnoreCase(suffix))
                    .findFirst();
        }
    }

    private static final MapType METRICS_TYPE = new MapType(VARCHAR, BIGINT, new TypeOperators());

    private IcedbSystemTables() {}

    /**
     * The metadata table {@code tableName} names ({@code t$files} and the others), of the transaction's snapshot of
     * table {@code t}; empty when it names none.
     */
    public static Optional<SystemTable> forTable(ConnectorSession session, SchemaTableName tableName, IcedbTableViews tables, IcedbSnapshotLoader snapshotLoader, IcedbMaintenance maintenance)
    {
        int separator = tableName.getTableName().lastIndexOf('$');
        if (separator <= 0) {
            return Optional.empty();
        }
        Optional<Kind> kind = Kind.fromSuffix(tableName.getTableName().substring(separator + 1));
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        SchemaTableName baseName = new SchemaTableName(tableName.getSchemaName(), tableName.getTableName().substring(0, separator));
        IcedbTableHandle table = tables.handle(session, baseName, Optional.empty());
        if (table == null) {
            return Optional.empty();
        }
        IcedbTableLocation location = table.tableLocation();
        Snapshot snapshot = tables.snapshot(session, table);
        return Optional.of(create(
                kind.get(),
                tableName,
                location,
                snapshot,
                () -> snapshotLoader.changes(session.getIdentity(), baseName, location, snapshot),
                () -> maintenance.history(session, baseName, location),
                () -> tables.view(session, table).storedDefinition()));
    }

    private static IcedbSystemTable create(
            Kind kind,
            SchemaTableName name,
            IcedbTableLocation location,
            Snapshot snapshot,
            Supplier<List<LogChange>> logChanges,
            Supplier<List<MaintenanceRun>> maintenanceHistory,
            Supplier<Optional<IcedbTableDefinition>> definition)
    {
        return switch (kind) {
            case FILES -> files(name, location, snapshot);
            case LOG -> log(name, snapshot, logChanges.get());
            case PARTITIONS -> partitions(name, location, snapshot);
            case MAINTENANCE -> maintenance(name, maintenanceHistory.get());
            case SNAPSHOTS -> IcebergMetadataTables.snapshots(name, logChanges.get(), maintenanceHistory.get());
            case HISTORY -> IcebergMetadataTables.history(name, logChanges.get());
            case PROPERTIES -> IcebergMetadataTables.properties(name, location, snapshot, definition.get());
        };
    }

    private static IcedbSystemTable files(SchemaTableName name, IcedbTableLocation location, Snapshot snapshot)
    {
        List<ColumnMetadata> columns = ImmutableList.of(
                new ColumnMetadata("path", VARCHAR),
                new ColumnMetadata("partition", VARCHAR),
                new ColumnMetadata("file_size_in_bytes", BIGINT),
                new ColumnMetadata("created", TIMESTAMP_TZ_MILLIS),
                new ColumnMetadata("added_by_log", VARCHAR));
        List<List<Object>> rows = new ArrayList<>();
        for (FileMarker part : snapshot.aliveFiles()) {
            rows.add(Arrays.asList(
                    location.root() + part.path(),
                    PartitionPath.partitionOf(location.prefix(), part.path()),
                    part.bytes(),
                    packDateTimeWithZone(part.createdMillis(), UTC_KEY),
                    snapshot.addedBy().get(part.path())));
        }
        return new IcedbSystemTable(name, columns, rows);
    }

    /**
     * Besides what each log file holds, what it changed ({@link LogChange}): the parts and bytes it added and removed, and its version (its name
     * timestamp, as {@code FOR VERSION AS OF} takes it).
     */
    private static IcedbSystemTable log(SchemaTableName name, Snapshot snapshot, List<LogChange> changes)
    {
        List<ColumnMetadata> columns = ImmutableList.of(
                new ColumnMetadata("file", VARCHAR),
                new ColumnMetadata("timestamp", TIMESTAMP_TZ_MILLIS),
                new ColumnMetadata("merged", BOOLEAN),
                new ColumnMetadata("writer", VARCHAR),
                new ColumnMetadata("file_markers", BIGINT),
                new ColumnMetadata("tombstoned_markers", BIGINT),
                new ColumnMetadata("log_tombstones", BIGINT),
                new ColumnMetadata("superseded", BOOLEAN),
                new ColumnMetadata("added_parts", BIGINT),
                new ColumnMetadata("removed_parts", BIGINT),
                new ColumnMetadata("added_bytes", BIGINT),
                new ColumnMetadata("removed_bytes", BIGINT),
                new ColumnMetadata("version", BIGINT));
        Set<String> superseded = snapshot.logTombstones().stream()
                .map(LogTombstone::path)
                .collect(toImmutableSet());
        List<List<Object>> rows = new ArrayList<>();
        for (LogChange change : changes) {
            rows.add(Arrays.asList(
                    change.key(),
                    change.name().map(logName -> packDateTimeWithZone(logName.timestampMillis(), UTC_KEY)).orElse(null),
                    change.name().map(LogFileName::merged).orElse(null),
                    change.name().map(LogFileName::host).orElse(null),
                    (long) change.log().fileMarkers().size(),
                    change.tombstonedMarkers(),
                    (long) change.log().logTombstones().size(),
                    superseded.contains(change.key()),
                    change.addedParts(),
                    change.removedParts(),
                    change.addedBytes(),
                    change.removedBytes(),
                    change.version().orElse(null)));
        }
        return new IcedbSystemTable(name, columns, rows);
    }

    private static IcedbSystemTable partitions(SchemaTableName name, IcedbTableLocation location, Snapshot snapshot)
    {
        List<ColumnMetadata> columns = ImmutableList.of(
                new ColumnMetadata("partition", VARCHAR),
                new ColumnMetadata("parts", BIGINT),
                new ColumnMetadata("total_size_in_bytes", BIGINT));
        Map<String, long[]> partitions = new TreeMap<>();
        for (FileMarker part : snapshot.aliveFiles()) {
            long[] totals = partitions.computeIfAbsent(PartitionPath.partitionOf(location.prefix(), part.path()), _ -> new long[2]);
            totals[0]++;
            totals[1] += part.bytes();
        }
        List<List<Object>> rows = new ArrayList<>();
        partitions.forEach((partition, totals) -> rows.add(Arrays.asList(partition, totals[0], totals[1])));
        return new IcedbSystemTable(name, columns, rows);
    }

    private static IcedbSystemTable maintenance(SchemaTableName name, List<MaintenanceRun> runs)
    {
        List<ColumnMetadata> columns = ImmutableList.of(
                new ColumnMetadata("operation", VARCHAR),
                new ColumnMetadata("started", TIMESTAMP_TZ_MILLIS),
                new ColumnMetadata("finished", TIMESTAMP_TZ_MILLIS),
                new ColumnMetadata("holder", VARCHAR),
                new ColumnMetadata("log_file", VARCHAR),
                new ColumnMetadata("metrics", METRICS_TYPE));
        List<List<Object>> rows = new ArrayList<>();
        for (MaintenanceRun run : runs) {
            rows.add(Arrays.asList(
                    run.operation(),
                    packDateTimeWithZone(run.startedMillis(), UTC_KEY),
                    packDateTimeWithZone(run.finishedMillis(), UTC_KEY),
                    run.holder(),
                    run.logKey().orElse(null),
                    IcedbSystemTable.mapValue(METRICS_TYPE, run.metrics())));
        }
        return new IcedbSystemTable(name, columns, rows);
    }
}
