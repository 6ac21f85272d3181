package io.trino.plugin.icedb;

import io.trino.spi.connector.ConnectorTableExecuteHandle;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * {@code ALTER TABLE ... EXECUTE merge}: the merge's limits and, once it began, where the merged parts are written and
 * which parts they replace.
 *
 * @param write the page sinks' target; present after {@code beginTableExecute}
 * @param replacedParts the keys of the parts the merge reads and replaces; set by {@code beginTableExecute}
 */
public record IcedbTableExecuteHandle(
        IcedbTableHandle table,
        long maxFileSizeBytes,
        int maxFileCount,
        Optional<IcedbWritableTableHandle> write,
        List<String> replacedParts)
        implements ConnectorTableExecuteHandle
{
    public IcedbTableExecuteHandle
    {
        requireNonNull(table, "table is null");
        requireNonNull(write, "write is null");
        replacedParts = List.copyOf(replacedParts);
    }

    public IcedbTableExecuteHandle withWrite(IcedbWritableTableHandle write, List<String> replacedParts)
    {
        return new IcedbTableExecuteHandle(table, maxFileSizeBytes, maxFileCount, Optional.of(write), replacedParts);
    }

    @Override
    public String toString()
    {
        return "merge of " + table;
    }
}
