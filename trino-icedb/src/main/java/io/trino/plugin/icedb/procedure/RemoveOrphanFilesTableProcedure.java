package io.trino.plugin.icedb.procedure;

import com.google.common.collect.ImmutableList;
import com.google.inject.Provider;
import io.trino.spi.connector.TableProcedureMetadata;

import static io.trino.plugin.base.session.PropertyMetadataUtil.durationProperty;
import static io.trino.spi.connector.TableProcedureExecutionMode.coordinatorOnly;

/**
 * {@code ALTER TABLE t EXECUTE remove_orphan_files(retention_threshold => '7d')}, as in the Iceberg connector:
 * {@code CALL system.remove_orphan_files} with a retention threshold.
 */
public final class RemoveOrphanFilesTableProcedure
        implements Provider<TableProcedureMetadata>
{
    public static final String RETENTION_THRESHOLD = "retention_threshold";

    @Override
    public TableProcedureMetadata get()
    {
        return new TableProcedureMetadata(
                IcedbTableProcedureId.REMOVE_ORPHAN_FILES.name(),
                coordinatorOnly(),
                ImmutableList.of(durationProperty(
                        RETENTION_THRESHOLD,
                        "Only unreferenced objects older than this are deleted; defaults to icedb.remove-orphan-files.min-retention",
                        null,
                        false)));
    }
}
