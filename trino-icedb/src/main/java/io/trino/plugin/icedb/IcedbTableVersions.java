package io.trino.plugin.icedb;

import io.icedb.engine.SnapshotTime;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTableVersion;
import io.trino.spi.type.LongTimestamp;
import io.trino.spi.type.LongTimestampWithTimeZone;
import io.trino.spi.type.TimestampType;
import io.trino.spi.type.TimestampWithTimeZoneType;
import io.trino.spi.type.Type;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.DateTimeEncoding.unpackMillisUtc;
import static io.trino.spi.type.DateType.DATE;
import static io.trino.spi.type.IntegerType.INTEGER;
import static io.trino.spi.type.SmallintType.SMALLINT;
import static io.trino.spi.type.TinyintType.TINYINT;
import static java.lang.Math.ceilDiv;

/**
 * {@code FOR VERSION AS OF} and {@code FOR TIMESTAMP AS OF}: the {@link SnapshotTime} a table version of a query reads.
 * A version is a log timestamp in milliseconds (inclusive); a time reads the logs strictly before it, as Python does.
 */
final class IcedbTableVersions
{
    private IcedbTableVersions() {}

    public static SnapshotTime snapshotTime(ConnectorSession session, ConnectorTableVersion version)
    {
        Type versionType = version.getVersionType();
        return switch (version.getPointerType()) {
            case TARGET_ID -> {
                if (!versionType.equals(BIGINT) && !versionType.equals(INTEGER) && !versionType.equals(SMALLINT) && !versionType.equals(TINYINT)) {
                    throw new TrinoException(NOT_SUPPORTED, "Unsupported type for table version: " + versionType.getDisplayName() + " (use a log timestamp in milliseconds, a bigint)");
                }
                yield SnapshotTime.asOfVersion(((Number) version.getVersion()).longValue());
            }
            case TEMPORAL -> SnapshotTime.asOfTimestamp(temporalVersionMillis(session, version, versionType));
        };
    }

    /**
     * The time as epoch milliseconds, rounded up: IceDB keeps the logs strictly before it, and a log at millisecond
     * {@code m} is before {@code m + 0.5}.
     */
    private static long temporalVersionMillis(ConnectorSession session, ConnectorTableVersion version, Type versionType)
    {
        if (versionType.equals(DATE)) {
            return LocalDate.ofEpochDay((long) version.getVersion())
                    .atStartOfDay()
                    .atZone(session.getTimeZoneKey().getZoneId())
                    .toInstant()
                    .toEpochMilli();
        }
        if (versionType instanceof TimestampType timestampType) {
            long epochMicros;
            int picosOfMicro = 0;
            if (timestampType.isShort()) {
                epochMicros = (long) version.getVersion();
            }
            else {
                LongTimestamp timestamp = (LongTimestamp) version.getVersion();
                epochMicros = timestamp.getEpochMicros();
                picosOfMicro = timestamp.getPicosOfMicro();
            }
            long localMillis = ceilDiv(epochMicros + (picosOfMicro > 0 ? 1 : 0), 1000);
            return LocalDateTime.ofInstant(Instant.ofEpochMilli(localMillis), ZoneOffset.UTC)
                    .atZone(session.getTimeZoneKey().getZoneId())
                    .toInstant()
                    .toEpochMilli();
        }
        if (versionType instanceof TimestampWithTimeZoneType timestampWithTimeZoneType) {
            if (timestampWithTimeZoneType.isShort()) {
                return unpackMillisUtc((long) version.getVersion());
            }
            LongTimestampWithTimeZone timestamp = (LongTimestampWithTimeZone) version.getVersion();
            return timestamp.getEpochMillis() + (timestamp.getPicosOfMilli() > 0 ? 1 : 0);
        }
        throw new TrinoException(NOT_SUPPORTED, "Unsupported type for temporal table version: " + versionType.getDisplayName());
    }
}
