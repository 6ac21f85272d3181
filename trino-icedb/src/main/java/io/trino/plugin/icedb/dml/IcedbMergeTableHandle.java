package io.trino.plugin.icedb.dml;

import io.trino.plugin.icedb.IcedbTableHandle;
import io.trino.plugin.icedb.IcedbWritableTableHandle;
import io.trino.spi.connector.ConnectorMergeTableHandle;

import static java.util.Objects.requireNonNull;

/**
 * A row-level {@code DELETE}, {@code UPDATE} or {@code MERGE}: the table read, and how its merge sinks write (the
 * columns of the pages, which are also the columns a rewritten part is read with).
 */
public record IcedbMergeTableHandle(IcedbTableHandle table, IcedbWritableTableHandle insert)
        implements ConnectorMergeTableHandle
{
    public IcedbMergeTableHandle
    {
        requireNonNull(table, "table is null");
        requireNonNull(insert, "insert is null");
    }

    @Override
    public IcedbTableHandle getTableHandle()
    {
        return table;
    }
}
