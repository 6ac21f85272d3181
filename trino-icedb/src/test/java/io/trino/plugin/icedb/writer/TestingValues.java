package io.trino.plugin.icedb.writer;

import io.trino.spi.Page;
import io.trino.spi.block.ArrayBlockBuilder;
import io.trino.spi.block.Block;
import io.trino.spi.block.BlockBuilder;
import io.trino.spi.block.MapBlockBuilder;
import io.trino.spi.block.RowBlockBuilder;
import io.trino.spi.type.ArrayType;
import io.trino.spi.type.DecimalType;
import io.trino.spi.type.Int128;
import io.trino.spi.type.LongTimestamp;
import io.trino.spi.type.LongTimestampWithTimeZone;
import io.trino.spi.type.MapType;
import io.trino.spi.type.RowType;
import io.trino.spi.type.Type;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.airlift.slice.Slices.utf8Slice;
import static io.airlift.slice.Slices.wrappedBuffer;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.BooleanType.BOOLEAN;
import static io.trino.spi.type.DateType.DATE;
import static io.trino.spi.type.DoubleType.DOUBLE;
import static io.trino.spi.type.IntegerType.INTEGER;
import static io.trino.spi.type.RealType.REAL;
import static io.trino.spi.type.SmallintType.SMALLINT;
import static io.trino.spi.type.TimeType.TIME_MICROS;
import static io.trino.spi.type.TimeZoneKey.UTC_KEY;
import static io.trino.spi.type.TimeZoneKey.getTimeZoneKey;
import static io.trino.spi.type.TimestampType.TIMESTAMP_MICROS;
import static io.trino.spi.type.TimestampType.TIMESTAMP_NANOS;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MICROS;
import static io.trino.spi.type.TinyintType.TINYINT;
import static io.trino.spi.type.TypeUtils.writeNativeValue;
import static io.trino.spi.type.UuidType.UUID;
import static io.trino.spi.type.UuidType.javaUuidToTrinoUuid;
import static io.trino.spi.type.VarbinaryType.VARBINARY;
import static io.trino.spi.type.VarcharType.VARCHAR;

/**
 * Builds Trino blocks from plain Java values: {@code List} for arrays and rows (one element per field), {@code Map} for
 * maps, {@code null} for NULL, and {@code Long}, {@code Float}, {@code BigDecimal}, {@code String}, {@code byte[]},
 * {@code LocalDate}, {@code LocalTime}, {@code LocalDateTime}, {@code Instant} or {@code ZonedDateTime}, {@code UUID} for the scalar types.
 */
final class TestingValues
{
    private TestingValues() {}

    static Page page(List<Type> types, List<List<?>> rows)
    {
        Block[] blocks = new Block[types.size()];
        for (int column = 0; column < types.size(); column++) {
            Type type = types.get(column);
            BlockBuilder builder = type.createBlockBuilder(null, rows.size());
            for (List<?> row : rows) {
                write(type, builder, row.get(column));
            }
            blocks[column] = builder.build();
        }
        return new Page(rows.size(), blocks);
    }

    static Block block(Type type, List<?> values)
    {
        BlockBuilder builder = type.createBlockBuilder(null, values.size());
        for (Object value : values) {
            write(type, builder, value);
        }
        return builder.build();
    }

    static void write(Type type, BlockBuilder builder, Object value)
    {
        if (value == null) {
            builder.appendNull();
            return;
        }
        switch (type) {
            case ArrayType arrayType -> ((ArrayBlockBuilder) builder).buildEntry(elementBuilder -> {
                for (Object element : (List<?>) value) {
                    write(arrayType.getElementType(), elementBuilder, element);
                }
            });
            case MapType mapType -> ((MapBlockBuilder) builder).buildEntry((keyBuilder, valueBuilder) -> {
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                    write(mapType.getKeyType(), keyBuilder, entry.getKey());
                    write(mapType.getValueType(), valueBuilder, entry.getValue());
                }
            });
            case RowType rowType -> ((RowBlockBuilder) builder).buildEntry(fieldBuilders -> {
                List<?> fields = (List<?>) value;
                for (int i = 0; i < fields.size(); i++) {
                    write(rowType.getFields().get(i).getType(), fieldBuilders.get(i), fields.get(i));
                }
            });
            default -> writeNativeValue(type, builder, toNative(type, value));
        }
    }

    private static Object toNative(Type type, Object value)
    {
        if (type.equals(BOOLEAN)) {
            return value;
        }
        if (type.equals(TINYINT) || type.equals(SMALLINT) || type.equals(INTEGER) || type.equals(BIGINT)) {
            return ((Number) value).longValue();
        }
        if (type.equals(REAL)) {
            return (long) Float.floatToRawIntBits(((Number) value).floatValue());
        }
        if (type.equals(DOUBLE)) {
            return ((Number) value).doubleValue();
        }
        if (type instanceof DecimalType decimalType) {
            BigDecimal decimal = ((BigDecimal) value).setScale(decimalType.getScale(), RoundingMode.UNNECESSARY);
            if (decimalType.isShort()) {
                return decimal.unscaledValue().longValueExact();
            }
            return Int128.valueOf(decimal.unscaledValue());
        }
        if (type.equals(VARCHAR) || TrinoToDuckDbTypes.isJson(type)) {
            return utf8Slice((String) value);
        }
        if (type.equals(VARBINARY)) {
            return wrappedBuffer((byte[]) value);
        }
        if (type.equals(DATE)) {
            return ((LocalDate) value).toEpochDay();
        }
        if (type.equals(TIME_MICROS)) {
            return ((LocalTime) value).toNanoOfDay() * 1000;
        }
        if (type.equals(TIMESTAMP_MICROS)) {
            return epochMicros((LocalDateTime) value);
        }
        if (type.equals(TIMESTAMP_NANOS)) {
            LocalDateTime dateTime = (LocalDateTime) value;
            return new LongTimestamp(epochMicros(dateTime), (dateTime.getNano() % 1000) * 1000);
        }
        if (type.equals(TIMESTAMP_TZ_MICROS) && value instanceof ZonedDateTime dateTime) {
            Instant instant = dateTime.toInstant();
            return LongTimestampWithTimeZone.fromEpochMillisAndFraction(instant.toEpochMilli(), (instant.getNano() % 1_000_000) * 1000, getTimeZoneKey(dateTime.getZone().getId()));
        }
        if (type.equals(TIMESTAMP_TZ_MICROS)) {
            Instant instant = (Instant) value;
            return LongTimestampWithTimeZone.fromEpochMillisAndFraction(instant.toEpochMilli(), (instant.getNano() % 1_000_000) * 1000, UTC_KEY);
        }
        if (type.equals(UUID)) {
            return javaUuidToTrinoUuid((UUID) value);
        }
        throw new IllegalArgumentException("No test conversion for " + type);
    }

    private static long epochMicros(LocalDateTime dateTime)
    {
        Instant instant = dateTime.toInstant(ZoneOffset.UTC);
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
    }
}
