package io.trino.plugin.icedb.system;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.icedb.engine.Snapshot;
import io.icedb.engine.history.MaintenanceRun;
import io.icedb.engine.table.LogChange;
import io.trino.plugin.icedb.IcedbTableDefinition;
import io.trino.plugin.icedb.IcedbTableLocation;
import io.trino.plugin.icedb.procedure.RollbackToSnapshotProcedure;
import io.trino.spi.connector.ColumnMetadata;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.type.MapType;
import io.trino.spi.type.TypeOperators;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.BooleanType.BOOLEAN;
import static io.trino.spi.type.DateTimeEncoding.packDateTimeWithZone;
import static io.trino.spi.type.TimeZoneKey.UTC_KEY;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MILLIS;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.util.stream.Collectors.joining;

/**
 * The Iceberg connector's metadata tables, over IceDB's logs: a log is a snapshot, its version (name timestamp, as
 * {@code FOR VERSION AS OF} takes it) the snapshot id.
 * <ul>
 * <li>{@code "t$snapshots"}: {@code committed_at}, {@code snapshot_id}, {@code parent_id} (the previous version),
 * {@code operation} ({@code append} for an insert log; for a merged log {@code replace} (merge, cleanup),
 * {@code delete} when it only removed parts, {@code overwrite} for a rollback), {@code manifest_list} (always NULL:
 * IceDB has none) and {@code summary} with Iceberg's keys ({@code added-data-files}, {@code deleted-data-files},
 * {@code added-files-size}, {@code removed-files-size}, {@code total-data-files}, {@code total-files-size}) plus the
 * log file;</li>
 * <li>{@code "t$history"}: {@code made_current_at}, {@code snapshot_id}, {@code parent_id}, {@code is_current_ancestor}
 * (always true: IceDB's history is linear, a rollback is a new log on top);</li>
 * <li>{@code "t$properties"}: {@code key}, {@code value}: the format, the location, the current version, and the
 * table properties of {@code P/_icedb/properties.json}.</li>
 * </ul>
 */
public final class IcebergMetadataTables
{
    private static final MapType SUMMARY_TYPE = new MapType(VARCHAR, VARCHAR, new TypeOperators());

    private IcebergMetadataTables() {}

    public static IcedbSystemTable snapshots(SchemaTableName name, List<LogChange> logs, List<MaintenanceRun> maintenanceRuns)
    {
        List<ColumnMetadata> columns = ImmutableList.of(
                new ColumnMetadata("committed_at", TIMESTAMP_TZ_MILLIS),
                new ColumnMetadata("snapshot_id", BIGINT),
                new ColumnMetadata("parent_id", BIGINT),
                new ColumnMetadata("operation", VARCHAR),
                new ColumnMetadata("manifest_list", VARCHAR),
                new ColumnMetadata("summary", SUMMARY_TYPE));
        Map<String, String> operationsByLog = new HashMap<>();
        for (MaintenanceRun run : maintenanceRuns) {
            run.logKey().ifPresent(key -> operationsByLog.put(key, run.operation()));
        }
        List<List<Object>> rows = new ArrayList<>();
        for (Version snapshot : versions(logs)) {
            LogChange log = snapshot.log();
            Map<String, String> summary = new LinkedHashMap<>();
            summary.put("added-data-files", String.valueOf(log.addedParts()));
            summary.put("deleted-data-files", String.valueOf(log.removedParts()));
            summary.put("added-files-size", String.valueOf(log.addedBytes()));
            summary.put("removed-files-size", String.valueOf(log.removedBytes()));
            summary.put("total-data-files", String.valueOf(log.totalParts()));
            summary.put("total-files-size", String.valueOf(log.totalBytes()));
            summary.put("icedb-log-file", log.key());
            rows.add(Arrays.asList(
                    packDateTimeWithZone(snapshot.version(), UTC_KEY),
                    snapshot.version(),
                    snapshot.parent(),
                    operation(log, Optional.ofNullable(operationsByLog.get(log.key()))),
                    null,
                    IcedbSystemTable.mapValue(SUMMARY_TYPE, summary)));
        }
        return new IcedbSystemTable(name, columns, rows);
    }

    public static IcedbSystemTable history(SchemaTableName name, List<LogChange> logs)
    {
        List<ColumnMetadata> columns = ImmutableList.of(
                new ColumnMetadata("made_current_at", TIMESTAMP_TZ_MILLIS),
                new ColumnMetadata("snapshot_id", BIGINT),
                new ColumnMetadata("parent_id", BIGINT),
                new ColumnMetadata("is_current_ancestor", BOOLEAN));
        List<List<Object>> rows = new ArrayList<>();
        for (Version snapshot : versions(logs)) {
            rows.add(Arrays.asList(packDateTimeWithZone(snapshot.version(), UTC_KEY), snapshot.version(), snapshot.parent(), true));
        }
        return new IcedbSystemTable(name, columns, rows);
    }

    /**
     * A log that is a snapshot (one with a version), its version and the version before it (null for the first).
     */
    private record Version(LogChange log, long version, Long parent) {}

    private static List<Version> versions(List<LogChange> logs)
    {
        List<Version> versions = new ArrayList<>();
        Long parent = null;
        for (LogChange log : logs) {
            if (log.version().isEmpty()) {
                continue;
            }
            long version = log.version().get();
            versions.add(new Version(log, version, parent));
            parent = version;
        }
        return versions;
    }

    public static IcedbSystemTable properties(SchemaTableName name, IcedbTableLocation location, Snapshot snapshot, Optional<IcedbTableDefinition> storedDefinition)
    {
        List<ColumnMetadata> columns = ImmutableList.of(
                new ColumnMetadata("key", VARCHAR),
                new ColumnMetadata("value", VARCHAR));
        IcedbTableDefinition definition = storedDefinition.orElse(IcedbTableDefinition.DEFAULT);
        ImmutableMap.Builder<String, String> properties = ImmutableMap.builder();
        properties.put("format", "icedb/PARQUET");
        properties.put("provider", "icedb");
        properties.put("current-snapshot-id", snapshot.logFiles().isEmpty() ? "none" : String.valueOf(snapshot.version()));
        properties.put("location", location.location());
        if (!definition.sortedBy().isEmpty()) {
            properties.put("sort-order", String.join(", ", definition.sortedBy()));
        }
        if (!definition.partitioning().isEmpty()) {
            properties.put("partitioning", arrayLiteral(definition.partitioning()));
        }
        if (!definition.sortedBy().isEmpty()) {
            properties.put("sorted_by", arrayLiteral(definition.sortedBy()));
        }
        properties.put("compression_codec", definition.compressionCodec().name());
        if (!definition.parquetBloomFilterColumns().isEmpty()) {
            properties.put("parquet_bloom_filter_columns", arrayLiteral(definition.parquetBloomFilterColumns()));
        }
        if (!definition.mergeEngine().primaryKey().isEmpty()) {
            properties.put("primary_key", arrayLiteral(definition.mergeEngine().primaryKey()));
        }
        if (definition.mergeEngine().mergesRows()) {
            properties.put("merge_engine", definition.mergeEngine().type().propertyValue());
        }
        definition.mergeEngine().versionColumn().ifPresent(column -> properties.put("version_column", column));
        if (!definition.mergeEngine().aggregates().isEmpty()) {
            properties.put("aggregates", arrayLiteral(definition.mergeEngine().aggregates().stream().map(aggregate -> aggregate.expression()).toList()));
        }
        definition.comment().ifPresent(comment -> properties.put("comment", comment));
        List<List<Object>> rows = new ArrayList<>();
        properties.buildOrThrow().forEach((key, value) -> rows.add(Arrays.asList(key, value)));
        return new IcedbSystemTable(name, columns, rows);
    }

    /**
     * Iceberg's operation names: {@code append} for an insert log; for a merged log, by the maintenance run that
     * committed it when its record says ({@code overwrite} for a rollback), else by what it changed.
     */
    private static String operation(LogChange log, Optional<String> maintenanceOperation)
    {
        boolean merged = log.name().orElseThrow().merged();
        if (!merged) {
            return "append";
        }
        if (maintenanceOperation.filter(RollbackToSnapshotProcedure.OPERATION::equals).isPresent()) {
            return "overwrite";
        }
        if (log.removedParts() > 0 && log.addedParts() == 0) {
            return "delete";
        }
        return "replace";
    }

    private static String arrayLiteral(List<String> values)
    {
        return values.stream()
                .map(value -> "'" + value.replace("'", "''") + "'")
                .collect(joining(", ", "ARRAY[", "]"));
    }
}
