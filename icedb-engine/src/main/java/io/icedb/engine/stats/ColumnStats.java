package io.icedb.engine.stats;

import java.util.Optional;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * What a part holds in one of its top-level columns.
 *
 * @param type the column's DuckDB type in the part (its log schema type): a reader ignores {@code min} and {@code max}
 * when the table's type of the column differs
 * @param nulls how many of the part's rows are NULL in the column; empty when unknown (nested columns, footers
 * without null counts)
 * @param min the smallest non-NULL value, as its {@link PartStats value text}; empty when unknown or not orderable
 * @param max the largest non-NULL value, likewise
 * @param bytes the column's uncompressed size in the part
 */
public record ColumnStats(String type, OptionalLong nulls, Optional<String> min, Optional<String> max, long bytes)
{
    public ColumnStats
    {
        requireNonNull(type, "type is null");
        requireNonNull(nulls, "nulls is null");
        requireNonNull(min, "min is null");
        requireNonNull(max, "max is null");
        if (min.isPresent() != max.isPresent()) {
            throw new IllegalArgumentException("min and max must both be present or both be absent");
        }
        if (nulls.isPresent() && nulls.getAsLong() < 0) {
            throw new IllegalArgumentException("nulls is negative: " + nulls.getAsLong());
        }
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes is negative: " + bytes);
        }
    }
}
