package io.trino.plugin.icedb.stats;

import io.icedb.engine.stats.ColumnStats;
import io.icedb.engine.stats.PartStats;
import io.trino.spi.predicate.Domain;
import io.trino.spi.predicate.Range;
import io.trino.spi.predicate.ValueSet;
import io.trino.spi.type.Type;

import java.util.Map;
import java.util.Optional;

/**
 * Whether a part can hold rows matching column domains, by its statistics alone (before its footer is read): a part
 * whose values of a column lie outside the column's domain, or that holds only NULLs (or no values at all) where the
 * domain allows none, is skipped.
 */
public final class IcedbPartStatisticsPruning
{
    private IcedbPartStatisticsPruning() {}

    /**
     * @param domains domains of regular columns by name
     * @param types the table's Trino type of every regular column by name
     * @param duckDbTypes the table's DuckDB type of every regular column by name
     */
    public static boolean mayMatch(PartStats stats, Map<String, Domain> domains, Map<String, Type> types, Map<String, String> duckDbTypes)
    {
        for (Map.Entry<String, Domain> entry : domains.entrySet()) {
            Type type = types.get(entry.getKey());
            if (type == null || !type.equals(entry.getValue().getType())) {
                continue;
            }
            if (stats.rows() == 0) {
                return false;
            }
            Domain partDomain = partDomain(stats, entry.getKey(), type, duckDbTypes.get(entry.getKey()));
            if (!partDomain.overlaps(entry.getValue())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The values (and NULL) the part may hold in the column.
     */
    public static Domain partDomain(PartStats stats, String column, Type type, String duckDbType)
    {
        Optional<ColumnStats> found = stats.column(column);
        if (found.isEmpty()) {
            // the part has no such column: NULL in every row
            return Domain.onlyNull(type);
        }
        ColumnStats columnStats = found.get();
        boolean hasNull = columnStats.nulls().isEmpty() || columnStats.nulls().getAsLong() > 0;
        if (columnStats.nulls().isPresent() && columnStats.nulls().getAsLong() >= stats.rows()) {
            return Domain.onlyNull(type);
        }
        return range(columnStats, type, duckDbType)
                .map(range -> Domain.create(ValueSet.ofRanges(range), hasNull))
                .orElseGet(() -> Domain.create(ValueSet.all(type), hasNull));
    }

    /**
     * The range of the column's non-NULL values; empty when unknown (or recorded for another type of the column).
     */
    public static Optional<Range> range(ColumnStats columnStats, Type type, String duckDbType)
    {
        if (columnStats.min().isEmpty() || !columnStats.type().equals(duckDbType) || !IcedbStatsValues.isOrderable(type)) {
            return Optional.empty();
        }
        Optional<Object> min = IcedbStatsValues.fromText(type, columnStats.min().get());
        Optional<Object> max = IcedbStatsValues.fromText(type, columnStats.max().orElseThrow());
        if (min.isEmpty() || max.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Range.range(type, min.get(), true, max.get(), true));
        }
        catch (IllegalArgumentException _) {
            // min above max: a bad sidecar
            return Optional.empty();
        }
    }
}
