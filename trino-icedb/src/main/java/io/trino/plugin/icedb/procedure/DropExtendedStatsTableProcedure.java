package io.trino.plugin.icedb.procedure;

import com.google.common.collect.ImmutableList;
import com.google.inject.Provider;
import io.trino.spi.connector.TableProcedureMetadata;

import static io.trino.spi.connector.TableProcedureExecutionMode.coordinatorOnly;

/**
 * {@code ALTER TABLE t EXECUTE drop_extended_stats}: deletes the table's distinct-value sketches (what {@code ANALYZE}
 * computed), as the Iceberg connector's procedure of that name.
 */
public final class DropExtendedStatsTableProcedure
        implements Provider<TableProcedureMetadata>
{
    @Override
    public TableProcedureMetadata get()
    {
        return new TableProcedureMetadata(
                IcedbTableProcedureId.DROP_EXTENDED_STATS.name(),
                coordinatorOnly(),
                ImmutableList.of());
    }
}
