package io.trino.plugin.icedb.procedure;

import com.google.common.collect.ImmutableList;
import com.google.inject.Provider;
import io.trino.spi.connector.TableProcedureMetadata;

import static io.trino.plugin.base.session.PropertyMetadataUtil.durationProperty;
import static io.trino.spi.connector.TableProcedureExecutionMode.coordinatorOnly;

/**
 * {@code ALTER TABLE t EXECUTE cleanup(retention_threshold => '7d')}: {@code CALL system.cleanup} in the form of the
 * Iceberg connector's {@code expire_snapshots}.
 */
public final class CleanupTableProcedure
        implements Provider<TableProcedureMetadata>
{
    public static final String RETENTION_THRESHOLD = "retention_threshold";

    @Override
    public TableProcedureMetadata get()
    {
        return new TableProcedureMetadata(
                IcedbTableProcedureId.CLEANUP.name(),
                coordinatorOnly(),
                ImmutableList.of(durationProperty(
                        RETENTION_THRESHOLD,
                        "How far back time travel keeps working; defaults to icedb.cleanup.min-retention",
                        null,
                        false)));
    }
}
