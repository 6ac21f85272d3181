package io.trino.plugin.icedb.maintenance;

import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.table.TableLog;
import io.trino.plugin.icedb.IcedbTableLocation;
import io.trino.spi.connector.SchemaTableName;

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
