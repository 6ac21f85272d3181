package io.trino.plugin.icedb.maintenance;

import io.trino.spi.connector.SortOrder;

import static java.util.Objects.requireNonNull;

/**
 * A column a merged part's rows are sorted by (the table's {@code sorted_by}).
 *
 * @param column the column name as the log schema spells it
 */
public record MergeSortField(String column, SortOrder order)
{
    public MergeSortField
    {
        requireNonNull(column, "column is null");
        requireNonNull(order, "order is null");
    }
}
