package io.trino.plugin.icedb.layout;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import io.airlift.slice.Slice;
import io.trino.spi.block.Block;
import io.trino.spi.type.BigintType;
import io.trino.spi.type.BooleanType;
import io.trino.spi.type.DateType;
import io.trino.spi.type.DecimalType;
import io.trino.spi.type.Decimals;
import io.trino.spi.type.Int128;
import io.trino.spi.type.IntegerType;
import io.trino.spi.type.LongTimestamp;
import io.trino.spi.type.LongTimestampWithTimeZone;
import io.trino.spi.type.SmallintType;
import io.trino.spi.type.TimestampType;
import io.trino.spi.type.TimestampWithTimeZoneType;
import io.trino.spi.type.TinyintType;
import io.trino.spi.type.Type;
import io.trino.spi.type.VarcharType;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalInt;

import static io.trino.spi.type.DateTimeEncoding.unpackMillisUtc;
import static java.lang.Math.floorDiv;
import static java.lang.Math.floorMod;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Locale.ENGLISH;
import static java.util.Objects.requireNonNull;

/**
 * One partition key of a table: a column and the transform that derives the key's value from it. Values are the
 * strings of the Hive key (before escaping): identity prints the value (dates ISO, decimals plain), {@code year}
 * {@code 2024}, {@code month} {@code 2024-01}, {@code day} {@code 2024-01-15}, {@code hour} {@code 2024-01-15-10}
 * (UTC for timestamps with time zone), {@code bucket} Iceberg's Murmur3 bucket number, {@code truncate} the truncated
 * value. A NULL value is a NULL key ({@code __HIVE_DEFAULT_PARTITION__}).
 *
 * @param parameter the bucket count or truncation width
 */
public record IcedbPartitionField(String column, PartitionTransform transform, OptionalInt parameter)
{
    private static final HashFunction MURMUR3 = Hashing.murmur3_32_fixed();

    public IcedbPartitionField
    {
        requireNonNull(column, "column is null");
        requireNonNull(transform, "transform is null");
        requireNonNull(parameter, "parameter is null");
    }

    public String keyName()
    {
        return transform.keyName(column);
    }

    /**
     * The expression as the {@code partitioning} table property spells it.
     */
    public String expression()
    {
        return switch (transform) {
            case IDENTITY -> column;
            case YEAR, MONTH, DAY, HOUR -> transform.name().toLowerCase(ENGLISH) + "(" + column + ")";
            case BUCKET, TRUNCATE -> transform.name().toLowerCase(ENGLISH) + "(" + column + ", " + parameter.orElseThrow() + ")";
        };
    }

    /**
     * Whether this transform can be applied to a column of {@code type} (a storage type).
     */
    public static boolean supports(PartitionTransform transform, Type type)
    {
        return switch (transform) {
            case IDENTITY -> isInteger(type) || type instanceof BooleanType || type instanceof VarcharType || type instanceof DateType || type instanceof DecimalType;
            case YEAR, MONTH, DAY -> type instanceof DateType || type instanceof TimestampType || type instanceof TimestampWithTimeZoneType;
            case HOUR -> type instanceof TimestampType || type instanceof TimestampWithTimeZoneType;
            case BUCKET -> isInteger(type) || type instanceof VarcharType || type instanceof DateType || type instanceof TimestampType || type instanceof TimestampWithTimeZoneType;
            case TRUNCATE -> isInteger(type) || type instanceof VarcharType;
        };
    }

    /**
     * The key's value for the row at {@code position}; empty for NULL.
     */
    public Optional<String> value(Type type, Block block, int position)
    {
        if (block.isNull(position)) {
            return Optional.empty();
        }
        return Optional.of(switch (transform) {
            case IDENTITY -> identity(type, block, position);
            case YEAR -> String.valueOf(dateTime(type, block, position).getYear());
            case MONTH -> {
                LocalDateTime dateTime = dateTime(type, block, position);
                yield "%04d-%02d".formatted(dateTime.getYear(), dateTime.getMonthValue());
            }
            case DAY -> dateTime(type, block, position).toLocalDate().toString();
            case HOUR -> {
                LocalDateTime dateTime = dateTime(type, block, position);
                yield "%s-%02d".formatted(dateTime.toLocalDate(), dateTime.getHour());
            }
            case BUCKET -> String.valueOf(bucket(type, block, position));
            case TRUNCATE -> truncate(type, block, position);
        });
    }

    private static String identity(Type type, Block block, int position)
    {
        return switch (type) {
            case BooleanType booleanType -> String.valueOf(booleanType.getBoolean(block, position));
            case VarcharType varcharType -> varcharType.getSlice(block, position).toStringUtf8();
            case DateType dateType -> LocalDate.ofEpochDay(dateType.getLong(block, position)).toString();
            case DecimalType decimalType when decimalType.isShort() -> Decimals.toString(decimalType.getLong(block, position), decimalType.getScale());
            case DecimalType decimalType -> Decimals.toString((Int128) decimalType.getObject(block, position), decimalType.getScale());
            default -> String.valueOf(type.getLong(block, position));
        };
    }

    private int bucket(Type type, Block block, int position)
    {
        int hash;
        if (type instanceof VarcharType varcharType) {
            Slice slice = varcharType.getSlice(block, position);
            hash = MURMUR3.hashBytes(slice.getBytes()).asInt();
        }
        else if (type instanceof TimestampType || type instanceof TimestampWithTimeZoneType) {
            hash = MURMUR3.hashLong(epochMicros(type, block, position)).asInt();
        }
        else {
            hash = MURMUR3.hashLong(type.getLong(block, position)).asInt();
        }
        return (hash & Integer.MAX_VALUE) % parameter.orElseThrow();
    }

    private String truncate(Type type, Block block, int position)
    {
        int width = parameter.orElseThrow();
        if (type instanceof VarcharType varcharType) {
            String value = varcharType.getSlice(block, position).toString(UTF_8);
            int codePoints = value.codePointCount(0, value.length());
            return codePoints <= width ? value : value.substring(0, value.offsetByCodePoints(0, width));
        }
        long value = type.getLong(block, position);
        return String.valueOf(value - floorMod(value, (long) width));
    }

    private static LocalDateTime dateTime(Type type, Block block, int position)
    {
        if (type instanceof DateType dateType) {
            return LocalDate.ofEpochDay(dateType.getLong(block, position)).atStartOfDay();
        }
        long epochMicros = epochMicros(type, block, position);
        long epochSecond = floorDiv(epochMicros, 1_000_000L);
        int nanos = (int) floorMod(epochMicros, 1_000_000L) * 1000;
        return LocalDateTime.ofEpochSecond(epochSecond, nanos, ZoneOffset.UTC);
    }

    private static long epochMicros(Type type, Block block, int position)
    {
        return switch (type) {
            case TimestampType timestampType when timestampType.isShort() -> timestampType.getLong(block, position);
            case TimestampType timestampType -> ((LongTimestamp) timestampType.getObject(block, position)).getEpochMicros();
            case TimestampWithTimeZoneType timestampType when timestampType.isShort() -> unpackMillisUtc(timestampType.getLong(block, position)) * 1000;
            case TimestampWithTimeZoneType timestampType -> {
                LongTimestampWithTimeZone value = (LongTimestampWithTimeZone) timestampType.getObject(block, position);
                yield value.getEpochMillis() * 1000 + value.getPicosOfMilli() / 1_000_000;
            }
            default -> throw new IllegalArgumentException("Not a timestamp type: " + type);
        };
    }

    private static boolean isInteger(Type type)
    {
        return type instanceof TinyintType || type instanceof SmallintType || type instanceof IntegerType || type instanceof BigintType;
    }
}
