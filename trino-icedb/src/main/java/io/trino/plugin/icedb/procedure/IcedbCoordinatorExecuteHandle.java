package io.trino.plugin.icedb.procedure;

import io.airlift.units.Duration;
import io.trino.plugin.icedb.IcedbTableHandle;

import java.util.Optional;

import static java.util.Locale.ENGLISH;
import static java.util.Objects.requireNonNull;

/**
 * {@code ALTER TABLE ... EXECUTE cleanup} or {@code remove_orphan_files}: maintenance that runs on the coordinator.
 *
 * @param retentionThreshold the {@code retention_threshold} given; empty for the catalog's minimum retention
 */
public record IcedbCoordinatorExecuteHandle(IcedbTableHandle table, IcedbTableProcedureId procedureId, Optional<Duration> retentionThreshold)
        implements IcedbTableExecuteHandle
{
    public IcedbCoordinatorExecuteHandle
    {
        requireNonNull(table, "table is null");
        requireNonNull(procedureId, "procedureId is null");
        requireNonNull(retentionThreshold, "retentionThreshold is null");
    }

    @Override
    public String toString()
    {
        return procedureId.name().toLowerCase(ENGLISH) + " of " + table;
    }
}
