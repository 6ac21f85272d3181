package io.icedb.engine.stats;

import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Statistics of one part (a Parquet object named by a file marker): its rows and, for each top-level column it holds,
 * a {@link ColumnStats}. A column of the table missing from {@code columns} is not in the part: all its rows are NULL
 * there.
 * <p>
 * Values ({@link ColumnStats#min()}, {@link ColumnStats#max()}) are text, by the column's DuckDB type: integers and
 * decimals in plain decimal notation ({@code -12}, {@code 3.50}), {@code FLOAT}/{@code DOUBLE} as Java's
 * {@code Float.toString}/{@code Double.toString}, {@code DATE} as {@code 2024-01-31}, {@code TIMESTAMP*} as ISO-8601
 * local date-time ({@code 2024-01-31T10:15:30.123456}), {@code TIMESTAMP WITH TIME ZONE} as an ISO-8601 instant
 * ({@code 2024-01-31T10:15:30.123456Z}), {@code BOOLEAN} as {@code true}/{@code false}, {@code VARCHAR} as the string.
 *
 * @param rows the part's row count
 */
public record PartStats(long rows, Map<String, ColumnStats> columns)
{
    public PartStats
    {
        if (rows < 0) {
            throw new IllegalArgumentException("rows is negative: " + rows);
        }
        columns = Map.copyOf(requireNonNull(columns, "columns is null"));
    }

    public Optional<ColumnStats> column(String name)
    {
        return Optional.ofNullable(columns.get(name));
    }
}
