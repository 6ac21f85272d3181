package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableList;
import io.icedb.engine.stats.PartStats;

import java.util.List;
import java.util.Optional;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * A part a page sink wrote, sent to the coordinator as a fragment: what its file marker in the commit log needs, and
 * the schema of the columns it holds.
 *
 * @param key the part's key in the data bucket, table prefix included (the marker's {@code p})
 * @param bytes the size of the object (the marker's {@code b})
 * @param createdMillis when the part was finished (the marker's {@code t})
 * @param columnNames the columns of the part, with {@code columnTypes} their DuckDB types
 * @param statistics the part's statistics from the writer, for the commit's statistics sidecar (empty when they could
 * not be had)
 */
public record IcedbWrittenPart(String key, long bytes, long createdMillis, long rowCount, List<String> columnNames, List<String> columnTypes, Optional<PartStats> statistics)
{
    public IcedbWrittenPart
    {
        requireNonNull(key, "key is null");
        requireNonNull(statistics, "statistics is null");
        columnNames = ImmutableList.copyOf(columnNames);
        columnTypes = ImmutableList.copyOf(columnTypes);
        checkArgument(columnNames.size() == columnTypes.size(), "columnNames and columnTypes differ in size");
    }
}
