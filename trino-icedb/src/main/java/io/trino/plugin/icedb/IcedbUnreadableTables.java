package io.trino.plugin.icedb;

import io.trino.spi.TrinoException;

import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_INVALID_LOG;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_SCHEMA_CONFLICT;

/**
 * Tables whose logs no longer fold into a snapshot (a schema conflict, an invalid log): every read fails with the
 * error, but the table can still be dropped or unregistered.
 */
public final class IcedbUnreadableTables
{
    private IcedbUnreadableTables() {}

    public static boolean isUnfoldable(TrinoException exception)
    {
        return exception.getErrorCode().equals(ICEDB_SCHEMA_CONFLICT.toErrorCode()) || exception.getErrorCode().equals(ICEDB_INVALID_LOG.toErrorCode());
    }
}
