package io.trino.plugin.icedb.procedure;

import com.google.common.collect.ImmutableList;
import com.google.inject.Provider;
import io.trino.spi.connector.TableProcedureMetadata;

import static io.trino.plugin.base.session.PropertyMetadataUtil.durationProperty;
import static io.trino.spi.connector.TableProcedureExecutionMode.coordinatorOnly;

/**
 * {@code ALTER TABLE t EXECUTE expire_snapshots(retention_threshold => '7d')}: the Iceberg connector's name for our
 * cleanup (the same run and minimum retention as {@code EXECUTE cleanup}); see {@link IcebergTableProcedureAliases}.
 */
public final class ExpireSnapshotsTableProcedure
        implements Provider<TableProcedureMetadata>
{
    public static final String NAME = "EXPIRE_SNAPSHOTS";

    @Override
    public TableProcedureMetadata get()
    {
        return new TableProcedureMetadata(
                NAME,
                coordinatorOnly(),
                ImmutableList.of(durationProperty(
                        CleanupTableProcedure.RETENTION_THRESHOLD,
                        "Only snapshots older than threshold should be removed; defaults to icedb.cleanup.min-retention",
                        null,
                        false)));
    }
}
