package io.trino.plugin.icedb.writer;

import io.trino.spi.TrinoException;
import io.trino.spi.block.Block;
import io.trino.spi.block.SqlMap;
import io.trino.spi.block.SqlRow;
import io.trino.spi.type.ArrayType;
import io.trino.spi.type.LongTimestamp;
import io.trino.spi.type.MapType;
import io.trino.spi.type.RowType;
import io.trino.spi.type.SqlTimestamp;
import io.trino.spi.type.Type;

import static io.trino.spi.StandardErrorCode.NUMERIC_VALUE_OUT_OF_RANGE;
import static io.trino.spi.type.TimestampType.TIMESTAMP_NANOS;
import static java.lang.String.format;

/**
 * DuckDB's TIMESTAMP_NS is Parquet INT64 nanoseconds, whose largest value DuckDB reads as {@code infinity}.
 * trino-parquet's writer computes {@code multiplyExact(epochMicros, 1000) + nanosOfMicro}: it fails on the first 808
 * nanoseconds of the INT64 range and on most values outside it, but silently wraps the 192 nanoseconds after its end.
 * So every value is checked before it is written: 1677-09-21 00:12:43.145225 to 2262-04-11 23:47:16.854775806.
 */
final class NanosecondTimestampRange
{
    private static final long NANOSECONDS_PER_MICROSECOND = 1_000;
    private static final int PICOSECONDS_PER_NANOSECOND = 1_000;
    // DuckDB reads the largest INT64 as the timestamp 'infinity'
    private static final long DUCKDB_INFINITY = Long.MAX_VALUE;

    private NanosecondTimestampRange() {}

    static boolean containsNanosecondTimestamp(Type type)
    {
        return switch (type) {
            case ArrayType arrayType -> containsNanosecondTimestamp(arrayType.getElementType());
            case MapType mapType -> containsNanosecondTimestamp(mapType.getKeyType()) || containsNanosecondTimestamp(mapType.getValueType());
            case RowType rowType -> rowType.getFields().stream().anyMatch(field -> containsNanosecondTimestamp(field.getType()));
            default -> type.equals(TIMESTAMP_NANOS);
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
            default -> {
                if (type.equals(TIMESTAMP_NANOS)) {
                    checkTimestamp(columnName, (LongTimestamp) TIMESTAMP_NANOS.getObject(block, position));
                }
            }
        }
    }

    private static void checkTimestamp(String columnName, LongTimestamp timestamp)
    {
        try {
            long epochNanos = Math.addExact(Math.multiplyExact(timestamp.getEpochMicros(), NANOSECONDS_PER_MICROSECOND), timestamp.getPicosOfMicro() / PICOSECONDS_PER_NANOSECOND);
            if (epochNanos != DUCKDB_INFINITY) {
                return;
            }
        }
        catch (ArithmeticException _) {
            // outside the range trino-parquet can compute
        }
        throw new TrinoException(NUMERIC_VALUE_OUT_OF_RANGE, format(
                "Value %s of column '%s' is outside the range IceDB writes as DuckDB's TIMESTAMP_NS (1677-09-21 00:12:43.145225 to 2262-04-11 23:47:16.854775806)",
                SqlTimestamp.newInstance(TIMESTAMP_NANOS.getPrecision(), timestamp.getEpochMicros(), timestamp.getPicosOfMicro()),
                columnName));
    }
}
