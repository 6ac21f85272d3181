package io.trino.plugin.icedb.procedure;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.inject.Inject;
import com.google.inject.Provider;
import io.trino.plugin.icedb.IcedbConfig;
import io.trino.plugin.icedb.IcedbTableLocation;
import io.trino.plugin.icedb.catalog.IcedbCatalog;
import io.trino.spi.TrinoException;
import io.trino.spi.classloader.ThreadContextClassLoader;
import io.trino.spi.connector.ConnectorAccessControl;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.procedure.Procedure;

import java.lang.invoke.MethodHandle;

import static io.trino.spi.StandardErrorCode.INVALID_PROCEDURE_ARGUMENT;
import static io.trino.spi.StandardErrorCode.PERMISSION_DENIED;
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
            REGISTER_TABLE = lookup().unreflect(RegisterTableProcedure.class.getMethod("registerTable", ConnectorAccessControl.class, ConnectorSession.class, String.class, String.class, String.class));
        }
        catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private final IcedbCatalog catalog;
    private final boolean registerTableProcedureEnabled;

    @Inject
    public RegisterTableProcedure(IcedbCatalog catalog, IcedbConfig config)
    {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.registerTableProcedureEnabled = config.isRegisterTableProcedureEnabled();
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

    public void registerTable(ConnectorAccessControl accessControl, ConnectorSession session, String schemaName, String tableName, String tableLocation)
    {
        try (ThreadContextClassLoader _ = new ThreadContextClassLoader(getClass().getClassLoader())) {
            // as the Iceberg connector (iceberg.register-table-procedure.enabled): off unless the catalog turns it on
            if (!registerTableProcedureEnabled) {
                throw new TrinoException(PERMISSION_DENIED, "register_table procedure is disabled");
            }
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
            SchemaTableName name = new SchemaTableName(schemaName, tableName);
            accessControl.checkCanCreateTable(null, name, ImmutableMap.of());
            catalog.registerTable(session.getIdentity(), name, location);
        }
    }

    static void checkArgumentPresent(String value, String name)
    {
        if (value == null || value.isEmpty()) {
            throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, name + " cannot be null or empty");
        }
    }
}
