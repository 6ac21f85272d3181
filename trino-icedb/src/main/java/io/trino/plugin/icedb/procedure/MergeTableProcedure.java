package io.trino.plugin.icedb.procedure;

import com.google.common.collect.ImmutableList;
import com.google.inject.Provider;
import io.icedb.engine.commit.MergeSelection;
import io.trino.spi.connector.TableProcedureMetadata;

import static io.trino.spi.connector.TableProcedureExecutionMode.distributedWithFilteringAndRepartitioning;
import static io.trino.spi.session.PropertyMetadata.integerProperty;
import static io.trino.spi.session.PropertyMetadata.longProperty;

/**
 * {@code ALTER TABLE t EXECUTE merge(max_file_size => ..., max_file_count => ...) [WHERE partition predicate]}: the
 * distributed form of {@code CALL system.merge}; the parts are rewritten by the workers' page sinks.
 */
public final class MergeTableProcedure
        implements Provider<TableProcedureMetadata>
{
    public static final String MAX_FILE_SIZE = "max_file_size";
    public static final String MAX_FILE_COUNT = "max_file_count";

    @Override
    public TableProcedureMetadata get()
    {
        return new TableProcedureMetadata(
                IcedbTableProcedureId.MERGE.name(),
                distributedWithFilteringAndRepartitioning(),
                ImmutableList.of(
                        longProperty(MAX_FILE_SIZE, "Parts of at least this many bytes are not merged", MergeSelection.DEFAULT_MAX_FILE_SIZE_BYTES, false),
                        integerProperty(MAX_FILE_COUNT, "At most this many parts of a partition are merged into one", MergeSelection.DEFAULT_MAX_FILE_COUNT, false)));
    }
}
