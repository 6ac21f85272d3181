package io.trino.plugin.icedb;

import io.airlift.units.Duration;
import io.trino.spi.connector.ConnectorTableExecuteHandle;

import java.util.Optional;

import static java.util.Locale.ENGLISH;
import static java.util.Objects.requireNonNull;

/**
 * {@code ALTER TABLE ... EXECUTE cleanup} or {@code remove_orphan_files}: maintenance that runs on the coordinator.
 *
 * @param procedure the table procedure's name ({@code CLEANUP}, {@code REMOVE_ORPHAN_FILES})
 * @param retentionThreshold the {@code retention_threshold} given; empty for the catalog's minimum retention
 */
public record IcedbCoordinatorExecuteHandle(IcedbTableHandle table, String procedure, Optional<Duration> retentionThreshold)
        implements ConnectorTableExecuteHandle
{
    public IcedbCoordinatorExecuteHandle
    {
        requireNonNull(table, "table is null");
        requireNonNull(procedure, "procedure is null");
        requireNonNull(retentionThreshold, "retentionThreshold is null");
    }

    @Override
    public String toString()
    {
        return procedure.toLowerCase(ENGLISH) + " of " + table;
    }
}
