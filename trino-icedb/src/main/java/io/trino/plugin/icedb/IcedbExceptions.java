package io.trino.plugin.icedb;

import io.icedb.engine.exceptions.CommitConflictException;
import io.icedb.engine.exceptions.CommitFailedException;
import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.exceptions.InvalidLogException;
import io.icedb.engine.exceptions.InvalidMetadataObjectException;
import io.icedb.engine.exceptions.InvalidTypeException;
import io.icedb.engine.exceptions.LeaseLostException;
import io.icedb.engine.exceptions.LeaseUnavailableException;
import io.icedb.engine.exceptions.NoSnapshotException;
import io.icedb.engine.exceptions.SchemaConflictException;
import io.icedb.engine.exceptions.StorageException;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.SchemaTableName;

import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_COMMIT_ERROR;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_INVALID_LOG;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_INVALID_METADATA;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_INVALID_TYPE;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_MAINTENANCE_COMMIT_ERROR;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_MAINTENANCE_LEASE_LOST;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_MAINTENANCE_LEASE_UNAVAILABLE;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_NO_SNAPSHOT;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_SCHEMA_CONFLICT;
import static io.trino.spi.StandardErrorCode.GENERIC_INTERNAL_ERROR;
import static java.lang.String.format;

/**
 * The one translator of {@code icedb-engine} exceptions into {@link TrinoException}s that name the table.
 */
public final class IcedbExceptions
{
    private IcedbExceptions() {}

    public static TrinoException translate(SchemaTableName table, IcedbTableLocation location, IcedbException exception)
    {
        String message = format("Table %s (%s): %s", table, location, exception.getMessage());
        return switch (exception) {
            case LeaseUnavailableException _ -> new TrinoException(ICEDB_MAINTENANCE_LEASE_UNAVAILABLE, message + " (another maintenance operation is running on the table; retry when it is done)", exception);
            case LeaseLostException _ -> new TrinoException(ICEDB_MAINTENANCE_LEASE_LOST, message, exception);
            case CommitConflictException _ -> new TrinoException(ICEDB_MAINTENANCE_COMMIT_ERROR, message, exception);
            case CommitFailedException _ -> new TrinoException(ICEDB_COMMIT_ERROR, message, exception);
            case SchemaConflictException _ -> new TrinoException(ICEDB_SCHEMA_CONFLICT, message, exception);
            case InvalidLogException _ -> new TrinoException(ICEDB_INVALID_LOG, message, exception);
            case InvalidTypeException _ -> new TrinoException(ICEDB_INVALID_TYPE, message, exception);
            case InvalidMetadataObjectException _ -> new TrinoException(ICEDB_INVALID_METADATA, message, exception);
            case NoSnapshotException _ -> new TrinoException(ICEDB_NO_SNAPSHOT, message, exception);
            case StorageException _ -> new TrinoException(ICEDB_FILESYSTEM_ERROR, message, exception);
            default -> new TrinoException(GENERIC_INTERNAL_ERROR, message, exception);
        };
    }
}
