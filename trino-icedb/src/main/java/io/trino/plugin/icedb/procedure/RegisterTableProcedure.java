package io.trino.plugin.icedb.procedure;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import com.google.inject.Provider;
import io.trino.plugin.icedb.IcedbTableLocation;
import io.trino.plugin.icedb.catalog.IcedbCatalog;
import io.trino.spi.TrinoException;
import io.trino.spi.classloader.ThreadContextClassLoader;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.procedure.Procedure;

import java.lang.invoke.MethodHandle;

import static io.trino.spi.StandardErrorCode.INVALID_PROCEDURE_ARGUMENT;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.lang.invoke.MethodHandles.lookup;
import static java.util.Objects.requireNonNull;

/**
 * {@code CALL icedb.system.register_table(schema_name, table_name, table_location)}: exposes an existing IceDB table
 * (for example one Python wrote at {@code s3://bucket/events}) without copying it.
 */
public final class RegisterTableProcedure
        implements Provider<Procedure>
{
    private static final MethodHandle REGISTER_TABLE;

    static {
        try {
            REGISTER_TABLE = lookup().unreflect(RegisterTableProcedure.class.getMethod("registerTable", ConnectorSession.class, String.class, String.class, String.class));
        }
        catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private final IcedbCatalog catalog;

    @Inject
    public RegisterTableProcedure(IcedbCatalog catalog)
    {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    @Override
    public Procedure get()
    {
        return new Procedure(
                "system",
                "register_table",
                ImmutableList.of(
                        new Procedure.Argument("SCHEMA_NAME", VARCHAR),
                        new Procedure.Argument("TABLE_NAME", VARCHAR),
                        new Procedure.Argument("TABLE_LOCATION", VARCHAR)),
                REGISTER_TABLE.bindTo(this));
    }

    public void registerTable(ConnectorSession session, String schemaName, String tableName, String tableLocation)
    {
        try (ThreadContextClassLoader _ = new ThreadContextClassLoader(getClass().getClassLoader())) {
            checkArgumentPresent(schemaName, "schema_name");
            checkArgumentPresent(tableName, "table_name");
            checkArgumentPresent(tableLocation, "table_location");
            IcedbTableLocation location;
            try {
                location = IcedbTableLocation.parse(tableLocation);
            }
            catch (IllegalArgumentException e) {
                throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, "Invalid table location: " + tableLocation, e);
            }
            catalog.registerTable(session.getIdentity(), new SchemaTableName(schemaName, tableName), location);
        }
    }

    static void checkArgumentPresent(String value, String name)
    {
        if (value == null || value.isEmpty()) {
            throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, name + " cannot be null or empty");
        }
    }
}
