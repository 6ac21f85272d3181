package io.trino.plugin.icedb.stats;

import com.google.common.collect.ImmutableMap;
import com.google.inject.Inject;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.stats.ColumnStats;
import io.icedb.engine.stats.PartStats;
import io.trino.plugin.icedb.IcedbColumnHandle;
import io.trino.plugin.icedb.IcedbPartSelection;
import io.trino.plugin.icedb.IcedbTableHandle;
import io.trino.plugin.icedb.IcedbTableView;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.predicate.Range;
import io.trino.spi.statistics.ColumnStatistics;
import io.trino.spi.statistics.DoubleRange;
import io.trino.spi.statistics.Estimate;
import io.trino.spi.statistics.TableStatistics;
import io.trino.spi.type.FixedWidthType;
import io.trino.spi.type.Type;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import static com.google.common.collect.ImmutableMap.toImmutableMap;
import static io.trino.plugin.icedb.IcedbSessionProperties.isExtendedStatisticsEnabled;
import static java.util.Objects.requireNonNull;

/**
 * Table statistics for the optimizer from the part statistics of the pinned snapshot's parts that the enforced
 * (partition) predicate keeps: the row count, and per regular column the null fraction, the data size (uncompressed,
 * variable-width types), the low/high values of numeric and date types, and the distinct-value counts of the
 * sketches {@code ANALYZE} (and inserts) keep ({@link IcedbExtendedStatistics}). When a part's
 * statistics cannot be had, the statistics are unknown (never a wrong row count).
 */
public final class IcedbTableStatistics
{
    private final IcedbPartStatisticsStore store;
    private final IcedbExtendedStatistics extendedStatistics;

    @Inject
    public IcedbTableStatistics(IcedbPartStatisticsStore store, IcedbExtendedStatistics extendedStatistics)
    {
        this.store = requireNonNull(store, "store is null");
        this.extendedStatistics = requireNonNull(extendedStatistics, "extendedStatistics is null");
    }

    public TableStatistics statistics(ConnectorSession session, IcedbTableHandle table, IcedbTableView view)
    {
        if (table.executeParts().isPresent()) {
            return TableStatistics.empty();
        }
        IcedbPartSelection selection = new IcedbPartSelection(table, view);
        List<FileMarker> parts = selection.byPartition(table.enforcedPredicate());
        Map<String, PartStats> statistics = store.statistics(session.getIdentity(), table.tableLocation(), view.snapshot(), parts, selection.columnTypes());
        if (statistics.size() < parts.size()) {
            return TableStatistics.empty();
        }
        long rows = statistics.values().stream().mapToLong(PartStats::rows).sum();
        TableStatistics.Builder builder = TableStatistics.builder().setRowCount(Estimate.of(rows));
        Map<String, String> duckDbTypes = view.snapshot().schema().columns();
        Map<String, OptionalDouble> distinctCounts = isExtendedStatisticsEnabled(session)
                ? extendedStatistics.distinctCounts(session.getIdentity(), table.tableLocation(), view.snapshot(), view.columns().stream()
                        .filter(column -> column.isBaseColumn() && (column.kind() == IcedbColumnHandle.Kind.REGULAR || column.kind() == IcedbColumnHandle.Kind.PARTITION_KEY))
                        .collect(toImmutableMap(IcedbColumnHandle::name, IcedbColumnHandle::type, (first, _) -> first)))
                : ImmutableMap.of();
        for (IcedbColumnHandle column : view.columns()) {
            if (!column.isBaseColumn()) {
                continue;
            }
            OptionalDouble distinct = distinctCounts.getOrDefault(column.name(), OptionalDouble.empty());
            if (column.kind() == IcedbColumnHandle.Kind.REGULAR) {
                builder.setColumnStatistics(column, columnStatistics(column.name(), column.type(), duckDbTypes.get(column.name()), statistics.values(), rows, distinct));
            }
            else if (column.kind() == IcedbColumnHandle.Kind.PARTITION_KEY && distinct.isPresent()) {
                // a key of Python's part paths: no part statistics, only what ANALYZE counted
                builder.setColumnStatistics(column, ColumnStatistics.builder()
                        .setDistinctValuesCount(Estimate.of(Math.min(distinct.getAsDouble(), rows)))
                        .build());
            }
        }
        return builder.build();
    }

    private static ColumnStatistics columnStatistics(String name, Type type, String duckDbType, Iterable<PartStats> parts, long rows, OptionalDouble distinct)
    {
        ColumnStatistics.Builder builder = ColumnStatistics.builder();
        long nulls = 0;
        boolean nullsKnown = true;
        long bytes = 0;
        boolean rangeKnown = IcedbStatsValues.hasDoubleForm(type);
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (PartStats part : parts) {
            Optional<ColumnStats> found = part.column(name);
            if (found.isEmpty()) {
                nulls += part.rows();
                continue;
            }
            ColumnStats column = found.get();
            bytes += column.bytes();
            if (column.nulls().isEmpty()) {
                nullsKnown = false;
            }
            else {
                nulls += column.nulls().getAsLong();
                if (column.nulls().getAsLong() >= part.rows()) {
                    continue;
                }
            }
            if (!rangeKnown) {
                continue;
            }
            Optional<Range> range = IcedbPartStatisticsPruning.range(column, type, duckDbType);
            if (range.isEmpty()) {
                rangeKnown = false;
                continue;
            }
            OptionalDouble partLow = IcedbStatsValues.toDouble(type, range.get().getLowBoundedValue());
            OptionalDouble partHigh = IcedbStatsValues.toDouble(type, range.get().getHighBoundedValue());
            if (partLow.isEmpty() || partHigh.isEmpty() || Double.isNaN(partLow.getAsDouble()) || Double.isNaN(partHigh.getAsDouble())) {
                rangeKnown = false;
                continue;
            }
            low = Math.min(low, partLow.getAsDouble());
            high = Math.max(high, partHigh.getAsDouble());
        }
        if (nullsKnown) {
            builder.setNullsFraction(Estimate.of(rows == 0 ? 0 : (double) nulls / rows));
        }
        if (distinct.isPresent()) {
            // the sketch counts the values of the snapshot it was computed on (and the inserts it was extended with):
            // never more than the non-NULL values the parts read here hold
            builder.setDistinctValuesCount(Estimate.of(Math.min(distinct.getAsDouble(), nullsKnown ? rows - nulls : rows)));
        }
        if (!(type instanceof FixedWidthType)) {
            builder.setDataSize(Estimate.of(bytes));
        }
        if (rangeKnown && low <= high) {
            builder.setRange(new DoubleRange(low, high));
        }
        return builder.build();
    }
}
