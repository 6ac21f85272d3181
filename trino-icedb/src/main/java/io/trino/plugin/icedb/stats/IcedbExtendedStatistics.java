package io.trino.plugin.icedb.stats;

import com.google.common.cache.Cache;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import com.google.inject.Inject;
import io.airlift.log.Logger;
import io.airlift.slice.Slices;
import io.airlift.stats.cardinality.HyperLogLog;
import io.icedb.engine.Snapshot;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.stats.DistinctSketches;
import io.icedb.engine.stats.DistinctSketches.ColumnSketch;
import io.trino.cache.EvictableCacheBuilder;
import io.trino.plugin.icedb.IcedbConfig;
import io.trino.plugin.icedb.IcedbSessionProperties;
import io.trino.plugin.icedb.IcedbTableHandle;
import io.trino.plugin.icedb.IcedbTableLocation;
import io.trino.plugin.icedb.IcedbTableView;
import io.trino.plugin.icedb.IcedbTableViews;
import io.trino.plugin.icedb.IcedbWritableTableHandle;
import io.trino.plugin.icedb.IcedbWriteColumn;
import io.trino.plugin.icedb.fileio.IcedbFileIoFactory;
import io.trino.spi.TrinoException;
import io.trino.spi.block.Block;
import io.trino.spi.connector.ColumnMetadata;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTableMetadata;
import io.trino.spi.security.ConnectorIdentity;
import io.trino.spi.statistics.ColumnStatisticMetadata;
import io.trino.spi.statistics.ComputedStatistics;
import io.trino.spi.statistics.TableStatisticsMetadata;
import io.trino.spi.type.ArrayType;
import io.trino.spi.type.MapType;
import io.trino.spi.type.RowType;
import io.trino.spi.type.Type;

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import static com.google.common.collect.ImmutableMap.toImmutableMap;
import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static io.trino.plugin.icedb.IcedbSessionProperties.isCollectExtendedStatisticsOnWrite;
import static io.trino.plugin.icedb.IcedbSessionProperties.isExtendedStatisticsEnabled;
import static io.trino.spi.StandardErrorCode.INVALID_ANALYZE_PROPERTY;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static io.trino.spi.statistics.ColumnStatisticType.NUMBER_OF_DISTINCT_VALUES_SUMMARY;
import static io.trino.spi.type.HyperLogLogType.HYPER_LOG_LOG;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * Distinct-value counts (the Iceberg connector's "extended statistics"): {@code ANALYZE} computes a HyperLogLog
 * ({@code approx_set}) per scalar column over the snapshot it reads, and {@link DistinctSketches} keeps them under
 * {@code P/_icedb/sketches/}, tied to the newest log of that snapshot; an insert (with
 * {@code collect_extended_statistics_on_write}) merges the sketches of its rows into them, tied to its log. A snapshot
 * uses the sketches tied to its newest log or an older one, never a newer one.
 */
public final class IcedbExtendedStatistics
{
    private static final Logger log = Logger.get(IcedbExtendedStatistics.class);
    // parsed sketch objects are immutable; bounded by their sketches' bytes
    private static final long MAX_CACHED_SKETCH_BYTES = 64L << 20;

    private final IcedbFileIoFactory fileIoFactory;
    private final Cache<String, Map<String, ColumnSketch>> sketches = EvictableCacheBuilder.newBuilder()
            .maximumWeight(MAX_CACHED_SKETCH_BYTES)
            .weigher((String _, Map<String, ColumnSketch> columns) -> 1 + columns.values().stream().mapToInt(column -> column.sketch().length).sum())
            .build();

    @Inject
    public IcedbExtendedStatistics(IcedbFileIoFactory fileIoFactory)
    {
        this.fileIoFactory = requireNonNull(fileIoFactory, "fileIoFactory is null");
    }

    /**
     * A column that gets a sketch: scalar types (as Iceberg's connector: no arrays, maps, rows).
     */
    public static boolean isSketched(ColumnMetadata column)
    {
        Type type = column.getType();
        return !column.isHidden() && !(type instanceof ArrayType) && !(type instanceof MapType) && !(type instanceof RowType);
    }

    /**
     * What to collect: a distinct-value summary of {@code selected} (all sketched columns when empty).
     *
     * @throws TrinoException INVALID_ANALYZE_PROPERTY when a selected column is not one that can be analyzed
     */
    public static TableStatisticsMetadata collectionMetadata(List<ColumnMetadata> columns, Optional<Set<String>> selected)
    {
        Set<String> sketched = columns.stream()
                .filter(IcedbExtendedStatistics::isSketched)
                .map(ColumnMetadata::getName)
                .collect(toImmutableSet());
        selected.ifPresent(names -> {
            if (names.isEmpty()) {
                throw new TrinoException(INVALID_ANALYZE_PROPERTY, "Cannot specify empty list of columns for analysis");
            }
            if (!sketched.containsAll(names)) {
                throw new TrinoException(INVALID_ANALYZE_PROPERTY, format("Invalid columns specified for analysis: %s", names.stream().filter(name -> !sketched.contains(name)).sorted().toList()));
            }
        });
        Set<ColumnStatisticMetadata> statistics = sketched.stream()
                .filter(name -> selected.map(names -> names.contains(name)).orElse(true))
                .map(name -> new ColumnStatisticMetadata(name, NUMBER_OF_DISTINCT_VALUES_SUMMARY))
                .collect(toImmutableSet());
        return new TableStatisticsMetadata(statistics, ImmutableSet.of(), List.of());
    }

    /**
     * The sketches a snapshot uses, by column; empty when there are none.
     */
    public Optional<Map<String, ColumnSketch>> sketches(ConnectorIdentity identity, IcedbTableLocation location, Snapshot snapshot)
    {
        if (snapshot.logFiles().isEmpty()) {
            return Optional.empty();
        }
        IcedbFileIo fileIo = fileIoFactory.create(identity, location);
        try {
            Optional<String> key = DistinctSketches.select(location.prefix(), DistinctSketches.list(fileIo, location.prefix()), snapshot.version());
            if (key.isEmpty()) {
                return Optional.empty();
            }
            String cacheKey = location.root() + key.get();
            Map<String, ColumnSketch> cached = sketches.getIfPresent(cacheKey);
            if (cached == null) {
                Map<String, ColumnSketch> read = DistinctSketches.read(fileIo, key.get());
                cached = sketches.get(cacheKey, () -> read);
            }
            return Optional.of(cached);
        }
        catch (IOException | ExecutionException | RuntimeException e) {
            // statistics are advice: a sketch that cannot be read leaves the distinct counts unknown
            log.warn(e, "Failed to read the distinct-value sketches of table %s", location);
            return Optional.empty();
        }
    }

    /**
     * Estimated distinct non-NULL values by column, from the sketches a snapshot uses; a column whose sketch was
     * computed for another type is left out.
     *
     * @param columnTypes the table's columns with their types
     */
    public Map<String, OptionalDouble> distinctCounts(ConnectorIdentity identity, IcedbTableLocation location, Snapshot snapshot, Map<String, Type> columnTypes)
    {
        Optional<Map<String, ColumnSketch>> found = sketches(identity, location, snapshot);
        if (found.isEmpty()) {
            return ImmutableMap.of();
        }
        Map<String, OptionalDouble> counts = new HashMap<>();
        found.get().forEach((name, sketch) -> {
            Type type = columnTypes.get(name);
            if (type != null && type.getDisplayName().equals(sketch.type())) {
                counts.put(name, OptionalDouble.of(HyperLogLog.newInstance(Slices.wrappedBuffer(sketch.sketch())).cardinality()));
            }
        });
        return counts;
    }

    /**
     * Writes what {@code ANALYZE} computed on the snapshot of {@code view}; the sketches of columns it did not analyze
     * are kept from the sketches the snapshot used.
     */
    public void writeAnalyzed(ConnectorIdentity identity, IcedbTableLocation location, IcedbTableView view, Collection<ComputedStatistics> computed)
    {
        Snapshot snapshot = view.snapshot();
        Map<String, Type> columnTypes = IcedbTableView.types(view.writtenColumns());
        Map<String, ColumnSketch> columns = new HashMap<>();
        sketches(identity, location, snapshot).ifPresent(columns::putAll);
        computedSketches(computed).forEach((name, sketch) -> columns.put(name, new ColumnSketch(typeOf(columnTypes, name), sketch.serialize().getBytes())));
        String logKey = newestLog(snapshot);
        try {
            DistinctSketches.create(fileIoFactory.create(identity, location), location.prefix(), logKey, columns, System.currentTimeMillis());
        }
        catch (IOException | RuntimeException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to write the distinct-value sketches of table %s: %s", location, e.getMessage()), e);
        }
    }

    /**
     * After an insert committed {@code logKey}: merges the sketches of its rows into the sketches of the newest
     * computation at or before that log (only the columns those hold), or, when there is none (a new or empty table),
     * writes the insert's own. Best effort: a failure is logged.
     *
     * @param replace a table's first log (CTAS, CREATE OR REPLACE): nothing older is merged in
     */
    public void extend(ConnectorIdentity identity, IcedbWritableTableHandle table, String logKey, Collection<ComputedStatistics> computed, boolean replace)
    {
        IcedbTableLocation location = table.tableLocation();
        Map<String, Type> columnTypes = table.columns().stream().collect(toImmutableMap(IcedbWriteColumn::name, IcedbWriteColumn::type));
        Map<String, HyperLogLog> written = computedSketches(computed);
        if (written.isEmpty() && !replace) {
            return;
        }
        try {
            IcedbFileIo fileIo = fileIoFactory.create(identity, location);
            long logTimestamp = LogFileName.parse(logKey.substring(logKey.lastIndexOf('/') + 1)).orElseThrow().timestampMillis();
            Optional<String> base = replace ? Optional.empty() : DistinctSketches.select(location.prefix(), DistinctSketches.list(fileIo, location.prefix()), logTimestamp);
            Map<String, ColumnSketch> columns = new HashMap<>();
            if (base.isEmpty()) {
                written.forEach((name, sketch) -> columns.put(name, new ColumnSketch(typeOf(columnTypes, name), sketch.serialize().getBytes())));
            }
            else {
                DistinctSketches.read(fileIo, base.get()).forEach((name, sketch) -> {
                    HyperLogLog update = written.get(name);
                    if (update == null || !sketch.type().equals(typeOf(columnTypes, name))) {
                        columns.put(name, sketch);
                        return;
                    }
                    HyperLogLog merged = HyperLogLog.newInstance(Slices.wrappedBuffer(sketch.sketch()));
                    merged.mergeWith(update);
                    columns.put(name, new ColumnSketch(sketch.type(), merged.serialize().getBytes()));
                });
            }
            DistinctSketches.create(fileIo, location.prefix(), logKey, columns, System.currentTimeMillis());
        }
        catch (IOException | RuntimeException e) {
            log.warn(e, "Failed to extend the distinct-value sketches of table %s with log %s; ANALYZE computes them again", location, logKey);
        }
    }

    /**
     * After a log that replaced every row ({@code CREATE OR REPLACE}): no sketches from {@code logKey} on (an object
     * without columns masks the older ones). Best effort: a failure is logged.
     */
    public void reset(ConnectorIdentity identity, IcedbTableLocation location, String logKey)
    {
        try {
            DistinctSketches.create(fileIoFactory.create(identity, location), location.prefix(), logKey, ImmutableMap.of(), System.currentTimeMillis());
        }
        catch (IOException | RuntimeException e) {
            log.warn(e, "Failed to reset the distinct-value sketches of table %s at log %s", location, logKey);
        }
    }

    /**
     * Deletes every sketch of the table ({@code ALTER TABLE ... EXECUTE drop_extended_stats}).
     */
    public void drop(ConnectorIdentity identity, IcedbTableLocation location)
    {
        IcedbFileIo fileIo = fileIoFactory.create(identity, location);
        try {
            fileIo.deleteAll(DistinctSketches.list(fileIo, location.prefix()));
        }
        catch (IOException | RuntimeException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to drop the extended statistics of table %s: %s", location, e.getMessage()), e);
        }
    }

    /**
     * What {@code ANALYZE} of a table with {@code columns} (asked only when it is enabled) collects.
     *
     * @throws TrinoException NOT_SUPPORTED when extended statistics are disabled
     */
    public static TableStatisticsMetadata analyzeMetadata(ConnectorSession session, Supplier<List<ColumnMetadata>> columns, Map<String, Object> analyzeProperties)
    {
        if (!isExtendedStatisticsEnabled(session)) {
            throw new TrinoException(NOT_SUPPORTED, "Analyze is not enabled. You can enable analyze using %s config or %s catalog session property".formatted(
                    IcedbConfig.EXTENDED_STATISTICS_CONFIG,
                    IcedbSessionProperties.EXTENDED_STATISTICS_ENABLED));
        }
        return collectionMetadata(columns.get(), IcedbAnalyzeProperties.getColumnNames(analyzeProperties));
    }

    /**
     * What a write (insert, CTAS) into {@code tableMetadata}'s table collects, when statistics are collected on write:
     * every sketched column of a new table, else those the transaction's snapshot of the table extends.
     */
    public TableStatisticsMetadata writeMetadata(ConnectorSession session, ConnectorTableMetadata tableMetadata, IcedbTableViews tables)
    {
        if (!isExtendedStatisticsEnabled(session) || !isCollectExtendedStatisticsOnWrite(session)) {
            return TableStatisticsMetadata.empty();
        }
        IcedbTableHandle table = tables.handle(session, tableMetadata.getTable(), Optional.empty());
        if (table == null) {
            // a new table (CTAS): every column
            return collectionMetadata(tableMetadata.getColumns(), Optional.empty());
        }
        Optional<Snapshot> snapshot = table.snapshotUpperBound() == Long.MAX_VALUE ? Optional.empty() : Optional.of(tables.snapshot(session, table));
        return writeMetadata(session.getIdentity(), table.tableLocation(), snapshot, tableMetadata.getColumns());
    }

    /**
     * The columns a write into a table with {@code snapshot} extends: all sketched columns of a table without rows, the
     * columns the snapshot's sketches hold otherwise (none without sketches: a partial count would mislead).
     */
    private TableStatisticsMetadata writeMetadata(ConnectorIdentity identity, IcedbTableLocation location, Optional<Snapshot> snapshot, List<ColumnMetadata> columns)
    {
        if (snapshot.isEmpty() || snapshot.get().aliveFiles().isEmpty()) {
            return collectionMetadata(columns, Optional.empty());
        }
        Optional<Map<String, ColumnSketch>> found = sketches(identity, location, snapshot.get());
        if (found.isEmpty()) {
            return TableStatisticsMetadata.empty();
        }
        Set<String> names = columns.stream()
                .filter(IcedbExtendedStatistics::isSketched)
                .map(ColumnMetadata::getName)
                .filter(found.get()::containsKey)
                .collect(toImmutableSet());
        if (names.isEmpty()) {
            return TableStatisticsMetadata.empty();
        }
        return collectionMetadata(columns, Optional.of(names));
    }

    private static String typeOf(Map<String, Type> columnTypes, String name)
    {
        Type type = columnTypes.get(name);
        if (type == null) {
            throw new IllegalStateException("No column %s: %s".formatted(name, columnTypes.keySet()));
        }
        return type.getDisplayName();
    }

    private static Map<String, HyperLogLog> computedSketches(Collection<ComputedStatistics> computed)
    {
        Map<String, HyperLogLog> sketches = new HashMap<>();
        for (ComputedStatistics statistics : computed) {
            for (Map.Entry<ColumnStatisticMetadata, Block> entry : statistics.getColumnStatistics().entrySet()) {
                ColumnStatisticMetadata metadata = entry.getKey();
                if (metadata.getStatisticTypeIfPresent().orElse(null) != NUMBER_OF_DISTINCT_VALUES_SUMMARY) {
                    throw new IllegalArgumentException("Unexpected statistic " + metadata);
                }
                Block block = entry.getValue();
                HyperLogLog sketch = block.isNull(0)
                        ? HyperLogLog.newInstance(4096)
                        : HyperLogLog.newInstance(HYPER_LOG_LOG.getSlice(block, 0));
                sketches.merge(metadata.getColumnName(), sketch, (first, second) -> {
                    first.mergeWith(second);
                    return first;
                });
            }
        }
        return sketches;
    }

    /**
     * The key of the snapshot's newest log (the one whose timestamp is its version).
     */
    private static String newestLog(Snapshot snapshot)
    {
        long version = snapshot.version();
        return snapshot.logFiles().stream()
                .filter(key -> LogFileName.parse(key.substring(key.lastIndexOf('/') + 1)).orElseThrow().timestampMillis() == version)
                .max(LogFileName.NAME_ORDER)
                .orElseThrow();
    }
}
