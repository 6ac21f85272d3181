package io.trino.plugin.icedb.procedure;

import com.google.common.collect.ImmutableList;
import com.google.inject.Provider;
import io.airlift.units.DataSize;
import io.trino.spi.connector.TableProcedureMetadata;

import static io.trino.plugin.base.session.PropertyMetadataUtil.dataSizeProperty;
import static io.trino.spi.connector.TableProcedureExecutionMode.distributedWithFilteringAndRepartitioning;

/**
 * {@code ALTER TABLE t EXECUTE optimize(file_size_threshold => '100MB') [WHERE …]}: the Iceberg connector's name for
 * our distributed {@code EXECUTE merge}, with its argument (parts below the threshold are merged; it is merge's
 * {@code max_file_size}) and its default; see {@link IcebergTableProcedureAliases}.
 */
public final class OptimizeTableProcedure
        implements Provider<TableProcedureMetadata>
{
    public static final String NAME = "OPTIMIZE";
    public static final String FILE_SIZE_THRESHOLD = "file_size_threshold";

    @Override
    public TableProcedureMetadata get()
    {
        return new TableProcedureMetadata(
                NAME,
                distributedWithFilteringAndRepartitioning(),
                ImmutableList.of(dataSizeProperty(
                        FILE_SIZE_THRESHOLD,
                        "Only compact files smaller than given threshold in bytes",
                        DataSize.of(100, DataSize.Unit.MEGABYTE),
                        false)));
    }
}
