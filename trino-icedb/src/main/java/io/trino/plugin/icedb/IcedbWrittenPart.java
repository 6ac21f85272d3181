package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableList;

import java.util.List;

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
 */
public record IcedbWrittenPart(String key, long bytes, long createdMillis, long rowCount, List<String> columnNames, List<String> columnTypes)
{
    public IcedbWrittenPart
    {
        requireNonNull(key, "key is null");
        columnNames = ImmutableList.copyOf(columnNames);
        columnTypes = ImmutableList.copyOf(columnTypes);
        checkArgument(columnNames.size() == columnTypes.size(), "columnNames and columnTypes differ in size");
    }
}
