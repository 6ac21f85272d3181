package io.trino.plugin.icedb.maintenance;

import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.spec.Schema;
import io.icedb.engine.table.TableLog;
import io.trino.plugin.icedb.IcedbExceptions;
import io.trino.plugin.icedb.IcedbTableLocation;
import io.trino.spi.connector.SchemaTableName;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A table a maintenance operation works on: its name, where it lives and its log (with the storage addressed relative to
 * its root).
 */
public record MaintainedTable(SchemaTableName name, IcedbTableLocation location, TableLog log)
{
    public MaintainedTable
    {
        requireNonNull(name, "name is null");
        requireNonNull(location, "location is null");
        requireNonNull(log, "log is null");
    }

    public IcedbFileIo fileIo()
    {
        return log.fileIo();
    }

    /**
     * The table's schema now; empty for a table that has no log yet.
     *
     * @throws io.trino.spi.TrinoException translated from the engine's exceptions, naming the table
     */
    public Optional<Schema> currentSchema()
    {
        try {
            return log.currentSchema();
        }
        catch (IcedbException e) {
            throw IcedbExceptions.translate(name, location, e);
        }
    }

    public String prefix()
    {
        return location.prefix();
    }

    @Override
    public String toString()
    {
        return name + " (" + location + ")";
    }
}
