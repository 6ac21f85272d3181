package io.trino.plugin.icedb.procedure;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import com.google.inject.Provider;
import io.icedb.engine.commit.MergeSelection;
import io.trino.plugin.icedb.maintenance.IcedbMaintenance;
import io.trino.plugin.icedb.maintenance.IcedbMerger;
import io.trino.plugin.icedb.maintenance.MaintainedTable;
import io.trino.spi.TrinoException;
import io.trino.spi.classloader.ThreadContextClassLoader;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.procedure.Procedure;

import java.lang.invoke.MethodHandle;

import static io.trino.spi.StandardErrorCode.INVALID_PROCEDURE_ARGUMENT;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.lang.invoke.MethodHandles.lookup;
import static java.util.Objects.requireNonNull;

/**
 * {@code CALL icedb.system.merge(schema_name, table_name, max_file_size => 10000000, max_file_count => 10)}: merges the
 * small parts of every partition that has several (IceDB's thresholds: per partition, the smallest alive parts until
 * their bytes reach {@code max_file_size} or their number {@code max_file_count}), one new part per partition, committed
 * with one merged log. Runs on the coordinator, under the table's maintenance lease.
 */
public final class MergeProcedure
        implements Provider<Procedure>
{
    private static final MethodHandle MERGE;

    static {
        try {
            MERGE = lookup().unreflect(MergeProcedure.class.getMethod("merge", ConnectorSession.class, String.class, String.class, Long.class, Long.class));
        }
        catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private final IcedbMaintenance maintenance;
    private final IcedbMerger merger;

    @Inject
    public MergeProcedure(IcedbMaintenance maintenance, IcedbMerger merger)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
        this.merger = requireNonNull(merger, "merger is null");
    }

    @Override
    public Procedure get()
    {
        return new Procedure(
                "system",
                "merge",
                ImmutableList.of(
                        new Procedure.Argument("SCHEMA_NAME", VARCHAR),
                        new Procedure.Argument("TABLE_NAME", VARCHAR),
                        new Procedure.Argument("MAX_FILE_SIZE", BIGINT, false, MergeSelection.DEFAULT_MAX_FILE_SIZE_BYTES),
                        new Procedure.Argument("MAX_FILE_COUNT", BIGINT, false, (long) MergeSelection.DEFAULT_MAX_FILE_COUNT)),
                MERGE.bindTo(this));
    }

    public void merge(ConnectorSession session, String schemaName, String tableName, Long maxFileSize, Long maxFileCount)
    {
        try (ThreadContextClassLoader _ = new ThreadContextClassLoader(getClass().getClassLoader())) {
            long size = maxFileSize == null ? MergeSelection.DEFAULT_MAX_FILE_SIZE_BYTES : maxFileSize;
            long count = maxFileCount == null ? MergeSelection.DEFAULT_MAX_FILE_COUNT : maxFileCount;
            if (count > Integer.MAX_VALUE) {
                throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, "max_file_count is too large: " + count);
            }
            MaintainedTable table = maintenance.table(session, schemaName, tableName);
            merger.merge(session, table, size, (int) count);
        }
    }
}
