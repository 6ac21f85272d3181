package io.trino.plugin.icedb.writer;

import io.trino.spi.TrinoException;
import io.trino.spi.block.Block;
import io.trino.spi.block.SqlMap;
import io.trino.spi.block.SqlRow;
import io.trino.spi.type.ArrayType;
import io.trino.spi.type.LongTimestamp;
import io.trino.spi.type.MapType;
import io.trino.spi.type.RowType;
import io.trino.spi.type.SqlDate;
import io.trino.spi.type.SqlTimestamp;
import io.trino.spi.type.Type;

import static io.trino.spi.StandardErrorCode.NUMERIC_VALUE_OUT_OF_RANGE;
import static io.trino.spi.type.DateType.DATE;
import static io.trino.spi.type.TimestampType.TIMESTAMP_MICROS;
import static io.trino.spi.type.TimestampType.TIMESTAMP_NANOS;
import static java.lang.String.format;

/**
 * Values Trino holds but DuckDB cannot read back as the same value, refused before they are written (checked with
 * DuckDB 1.5.6, {@code TestIcedbParquetWriter}):
 * <ul>
 * <li>DuckDB reads the largest INT64 of a TIMESTAMP or TIMESTAMP_NS column as {@code infinity} and its negation as
 * {@code -infinity}, and fails on TIMESTAMP values before 290309-12-22 (BC) 00:00:00; likewise the largest INT32 of a
 * DATE and its negation are {@code infinity} and {@code -infinity}.</li>
 * <li>trino-parquet's writer computes nanoseconds as {@code multiplyExact(epochMicros, 1000) + nanosOfMicro}: it fails on
 * the first 808 nanoseconds of the INT64 range and silently wraps the 192 nanoseconds after its end.</li>
 * </ul>
 * Trino's {@code timestamp(6) with time zone} holds about 71,000 years either side of 1970, well inside DuckDB's range.
 */
final class DuckDbValueRange
{
    private static final long MIN_TIMESTAMP_MICROS = -9_223_372_022_400_000_000L;
    private static final long MAX_TIMESTAMP_MICROS = Long.MAX_VALUE - 1;
    private static final String TIMESTAMP_RANGE = "290309-12-22 (BC) 00:00:00 to 294247-01-10 04:00:54.775806";
    private static final String TIMESTAMP_NS_RANGE = "1677-09-21 00:12:43.145225 to 2262-04-11 23:47:16.854775806";
    private static final String DATE_RANGE = "every date but the two DuckDB reads as infinity and -infinity";
    private static final long NANOSECONDS_PER_MICROSECOND = 1_000;
    private static final int PICOSECONDS_PER_NANOSECOND = 1_000;

    private DuckDbValueRange() {}

    /**
     * Whether values of {@code type} need {@link #checkBlock}.
     */
    static boolean needsCheck(Type type)
    {
        return switch (type) {
            case ArrayType arrayType -> needsCheck(arrayType.getElementType());
            case MapType mapType -> needsCheck(mapType.getKeyType()) || needsCheck(mapType.getValueType());
            case RowType rowType -> rowType.getFields().stream().anyMatch(field -> needsCheck(field.getType()));
            default -> type.equals(TIMESTAMP_NANOS) || type.equals(TIMESTAMP_MICROS) || type.equals(DATE);
        };
    }

    /**
     * @throws TrinoException {@code NUMERIC_VALUE_OUT_OF_RANGE} naming the column and the value
     */
    static void checkBlock(String columnName, Type type, Block block)
    {
        for (int position = 0; position < block.getPositionCount(); position++) {
            checkValue(columnName, type, block, position);
        }
    }

    private static void checkValue(String columnName, Type type, Block block, int position)
    {
        if (block.isNull(position)) {
            return;
        }
        switch (type) {
            case ArrayType arrayType -> checkBlock(columnName, arrayType.getElementType(), arrayType.getObject(block, position));
            case MapType mapType -> {
                SqlMap map = mapType.getObject(block, position);
                for (int entry = 0; entry < map.getSize(); entry++) {
                    checkValue(columnName, mapType.getKeyType(), map.getRawKeyBlock(), map.getRawOffset() + entry);
                    checkValue(columnName, mapType.getValueType(), map.getRawValueBlock(), map.getRawOffset() + entry);
                }
            }
            case RowType rowType -> {
                SqlRow row = rowType.getObject(block, position);
                for (int field = 0; field < row.getFieldCount(); field++) {
                    checkValue(columnName, rowType.getFields().get(field).getType(), row.getRawFieldBlock(field), row.getRawIndex());
                }
            }
            default -> checkScalar(columnName, type, block, position);
        }
    }

    private static void checkScalar(String columnName, Type type, Block block, int position)
    {
        if (type.equals(TIMESTAMP_NANOS)) {
            LongTimestamp timestamp = (LongTimestamp) TIMESTAMP_NANOS.getObject(block, position);
            if (!isNanosecondTimestampInRange(timestamp)) {
                throw outOfRange(columnName, SqlTimestamp.newInstance(TIMESTAMP_NANOS.getPrecision(), timestamp.getEpochMicros(), timestamp.getPicosOfMicro()), "TIMESTAMP_NS", TIMESTAMP_NS_RANGE);
            }
        }
        else if (type.equals(TIMESTAMP_MICROS)) {
            long epochMicros = TIMESTAMP_MICROS.getLong(block, position);
            if (epochMicros < MIN_TIMESTAMP_MICROS || epochMicros > MAX_TIMESTAMP_MICROS) {
                throw outOfRange(columnName, SqlTimestamp.newInstance(TIMESTAMP_MICROS.getPrecision(), epochMicros, 0), "TIMESTAMP", TIMESTAMP_RANGE);
            }
        }
        else if (type.equals(DATE)) {
            long days = DATE.getLong(block, position);
            if (days == Integer.MAX_VALUE || days == -Integer.MAX_VALUE) {
                throw outOfRange(columnName, new SqlDate((int) days), "DATE", DATE_RANGE);
            }
        }
    }

    private static boolean isNanosecondTimestampInRange(LongTimestamp timestamp)
    {
        try {
            long epochNanos = Math.addExact(Math.multiplyExact(timestamp.getEpochMicros(), NANOSECONDS_PER_MICROSECOND), timestamp.getPicosOfMicro() / PICOSECONDS_PER_NANOSECOND);
            return epochNanos != Long.MAX_VALUE;
        }
        catch (ArithmeticException _) {
            return false;
        }
    }

    private static TrinoException outOfRange(String columnName, Object value, String duckDbType, String range)
    {
        return new TrinoException(NUMERIC_VALUE_OUT_OF_RANGE, format(
                "Value %s of column '%s' is outside the range IceDB writes as DuckDB's %s (%s)",
                value,
                columnName,
                duckDbType,
                range));
    }
}
