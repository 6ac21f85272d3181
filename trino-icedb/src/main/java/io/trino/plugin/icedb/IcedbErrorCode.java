package io.trino.plugin.icedb;

import io.trino.spi.ErrorCode;
import io.trino.spi.ErrorCodeSupplier;
import io.trino.spi.ErrorType;

import static io.trino.spi.ErrorType.EXTERNAL;
import static io.trino.spi.ErrorType.USER_ERROR;

/**
 * Error codes of the IceDB connector, from offset {@code 0x0510_0000} (Hive 0x0100_0000, Iceberg 0x0504_0000,
 * Delta Lake 0x0506_0000 and Hudi 0x0507_0000 are taken). Never renumber or reuse a code.
 */
public enum IcedbErrorCode
        implements ErrorCodeSupplier
{
    ICEDB_FILESYSTEM_ERROR(0, EXTERNAL),
    ICEDB_INVALID_LOG(1, EXTERNAL),
    ICEDB_SCHEMA_CONFLICT(2, EXTERNAL),
    ICEDB_UNSUPPORTED_TYPE(3, EXTERNAL),
    ICEDB_CANNOT_OPEN_SPLIT(4, EXTERNAL),
    ICEDB_MISSING_DATA(5, EXTERNAL),
    ICEDB_BAD_DATA(6, EXTERNAL),
    ICEDB_CURSOR_ERROR(7, EXTERNAL),
    ICEDB_NO_SNAPSHOT(8, USER_ERROR),
    ICEDB_INVALID_REGISTRATION(9, EXTERNAL),
    ICEDB_INVALID_TYPE(10, EXTERNAL),
    ICEDB_INVALID_METADATA(11, EXTERNAL),
    // 20..29: maintenance (merge, cleanup, remove_orphan_files)
    ICEDB_MAINTENANCE_LEASE_UNAVAILABLE(20, EXTERNAL),
    ICEDB_MAINTENANCE_LEASE_LOST(21, EXTERNAL),
    ICEDB_MAINTENANCE_COMMIT_ERROR(22, EXTERNAL),
    // 40..59: the write path
    ICEDB_INVALID_PROPERTIES(40, EXTERNAL),
    ICEDB_WRITER_ERROR(41, EXTERNAL),
    ICEDB_COMMIT_ERROR(42, EXTERNAL),
    /**/;

    private static final int OFFSET = 0x0510_0000;

    private final ErrorCode errorCode;

    IcedbErrorCode(int code, ErrorType type)
    {
        errorCode = new ErrorCode(code + OFFSET, name(), type);
    }

    @Override
    public ErrorCode toErrorCode()
    {
        return errorCode;
    }
}
