package io.trino.plugin.icedb.mergeengine;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.trino.plugin.icedb.IcedbTableDefinition;
import io.trino.plugin.icedb.layout.IcedbSortField;
import io.trino.spi.TrinoException;

import java.util.List;
import java.util.Map;

import static com.google.common.collect.ImmutableList.toImmutableList;

/**
 * How a reader knows a part's rows are sorted: our writers record the order they wrote a sorted part in, in the
 * Parquet footer's {@code key_value_metadata} under {@value #SORTED_BY_KEY} (the {@code sorted_by} expressions, comma
 * separated). A part without it (written by Python IceDB or DuckDB, merged by Python, or written by us before) is
 * not known to be sorted. Merge on read streams a part whose recorded order starts with the table's key order
 * ({@link #keyOrder}); it sorts any other part first.
 */
public final class IcedbSortedParts
{
    public static final String SORTED_BY_KEY = "icedb.sorted_by";

    private IcedbSortedParts() {}

    /**
     * The footer entry of a part written in {@code sortedBy} order (none for an unsorted part).
     */
    public static Map<String, String> footerMetadata(List<IcedbSortField> sortedBy)
    {
        if (sortedBy.isEmpty()) {
            return ImmutableMap.of();
        }
        return ImmutableMap.of(SORTED_BY_KEY, String.join(",", sortedBy.stream().map(IcedbSortField::expression).toList()));
    }

    /**
     * Whether a part with this footer metadata has its rows in {@code order} (its recorded order starts with it).
     */
    public static boolean isSortedBy(Map<String, String> footerMetadata, List<IcedbSortField> order)
    {
        String recorded = footerMetadata.get(SORTED_BY_KEY);
        if (recorded == null || recorded.isBlank()) {
            return false;
        }
        List<IcedbSortField> fields;
        try {
            fields = ImmutableList.copyOf(recorded.split(",")).stream()
                    .map(IcedbSortField::parseExpression)
                    .collect(toImmutableList());
        }
        catch (TrinoException _) {
            return false;
        }
        return fields.size() >= order.size() && fields.subList(0, order.size()).equals(order);
    }

    /**
     * The order merge on read combines a table's rows in: its primary key columns as they lead the sort order parts
     * are written in ({@link IcedbMergeEngine#sortOrder}), with their directions.
     */
    public static List<IcedbSortField> keyOrder(IcedbTableDefinition definition)
    {
        return keyOrder(definition.mergeEngine(), definition.sortedBy().stream()
                .map(IcedbSortField::parseExpression)
                .collect(toImmutableList()));
    }

    /**
     * The key order of a table with this engine and {@code sorted_by}.
     */
    public static List<IcedbSortField> keyOrder(IcedbMergeEngine engine, List<IcedbSortField> sortedBy)
    {
        return ImmutableList.copyOf(engine.sortOrder(sortedBy).subList(0, engine.primaryKey().size()));
    }
}
