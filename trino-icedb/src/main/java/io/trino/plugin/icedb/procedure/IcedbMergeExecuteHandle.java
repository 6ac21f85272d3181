package io.trino.plugin.icedb.procedure;

import io.trino.plugin.icedb.IcedbTableHandle;
import io.trino.plugin.icedb.IcedbWritableTableHandle;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * {@code ALTER TABLE ... EXECUTE merge}: the merge's limits and, once it began, where the merged parts are written. The
 * parts it replaces are the source table handle's {@code executeParts} (what the workers read); the coordinator keeps
 * them with the merge's lease until it commits.
 *
 * @param write the page sinks' target; present after {@code beginTableExecute}
 */
public record IcedbMergeExecuteHandle(
        IcedbTableHandle table,
        long maxFileSizeBytes,
        int maxFileCount,
        Optional<IcedbWritableTableHandle> write)
        implements IcedbTableExecuteHandle
{
    public IcedbMergeExecuteHandle
    {
        requireNonNull(table, "table is null");
        requireNonNull(write, "write is null");
    }

    @Override
    public IcedbTableProcedureId procedureId()
    {
        return IcedbTableProcedureId.MERGE;
    }

    public IcedbMergeExecuteHandle withWrite(IcedbWritableTableHandle write)
    {
        return new IcedbMergeExecuteHandle(table, maxFileSizeBytes, maxFileCount, Optional.of(write));
    }

    @Override
    public String toString()
    {
        return "merge of " + table;
    }
}
