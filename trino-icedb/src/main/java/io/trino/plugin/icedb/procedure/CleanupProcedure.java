package io.trino.plugin.icedb.procedure;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import com.google.inject.Provider;
import io.airlift.units.Duration;
import io.trino.plugin.icedb.maintenance.IcedbCleaner;
import io.trino.plugin.icedb.maintenance.IcedbMaintenance;
import io.trino.plugin.icedb.maintenance.MaintainedTable;
import io.trino.spi.TrinoException;
import io.trino.spi.classloader.ThreadContextClassLoader;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.procedure.Procedure;

import java.lang.invoke.MethodHandle;

import static io.trino.spi.StandardErrorCode.INVALID_PROCEDURE_ARGUMENT;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.lang.invoke.MethodHandles.lookup;
import static java.util.Objects.requireNonNull;

/**
 * {@code CALL icedb.system.cleanup(schema_name, table_name, retention => '7d')}: deletes dead parts and superseded logs
 * older than the retention and folds them into one merged log, so that every snapshot inside the retention reads as
 * before. The retention is an airlift duration ({@code 7d}, {@code 12h}, {@code 30m}); it defaults to, and may not be
 * shorter than, {@code icedb.cleanup.min-retention}.
 */
public final class CleanupProcedure
        implements Provider<Procedure>
{
    private static final MethodHandle CLEANUP;

    static {
        try {
            CLEANUP = lookup().unreflect(CleanupProcedure.class.getMethod("cleanup", ConnectorSession.class, String.class, String.class, String.class));
        }
        catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private final IcedbMaintenance maintenance;
    private final IcedbCleaner cleaner;

    @Inject
    public CleanupProcedure(IcedbMaintenance maintenance, IcedbCleaner cleaner)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
        this.cleaner = requireNonNull(cleaner, "cleaner is null");
    }

    @Override
    public Procedure get()
    {
        return new Procedure(
                "system",
                "cleanup",
                ImmutableList.of(
                        new Procedure.Argument("SCHEMA_NAME", VARCHAR),
                        new Procedure.Argument("TABLE_NAME", VARCHAR),
                        new Procedure.Argument("RETENTION", VARCHAR, false, null)),
                CLEANUP.bindTo(this));
    }

    public void cleanup(ConnectorSession session, String schemaName, String tableName, String retention)
    {
        try (ThreadContextClassLoader _ = new ThreadContextClassLoader(getClass().getClassLoader())) {
            Duration duration = retention == null ? cleaner.minRetention() : parseDuration("retention", retention);
            MaintainedTable table = maintenance.table(session, schemaName, tableName);
            cleaner.cleanup(session, table, duration);
        }
    }

    static Duration parseDuration(String argument, String value)
    {
        try {
            return Duration.valueOf(value.trim());
        }
        catch (IllegalArgumentException e) {
            throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, "Invalid %s '%s': expected a duration like '7d', '12h' or '30m'".formatted(argument, value), e);
        }
    }
}
