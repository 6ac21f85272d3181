package io.trino.plugin.icedb.writer;

import com.google.common.collect.ImmutableList;
import io.icedb.engine.types.DuckDbTypes;
import io.trino.spi.TrinoException;
import io.trino.spi.type.ArrayType;
import io.trino.spi.type.MapType;
import io.trino.spi.type.RowType;
import io.trino.spi.type.Type;
import io.trino.spi.type.TypeOperators;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.CharType.createCharType;
import static io.trino.spi.type.DoubleType.DOUBLE;
import static io.trino.spi.type.HyperLogLogType.HYPER_LOG_LOG;
import static io.trino.spi.type.IntegerType.INTEGER;
import static io.trino.spi.type.TimeType.TIME_MICROS;
import static io.trino.spi.type.TimeType.createTimeType;
import static io.trino.spi.type.TimeWithTimeZoneType.createTimeWithTimeZoneType;
import static io.trino.spi.type.TimestampType.TIMESTAMP_MICROS;
import static io.trino.spi.type.TimestampType.TIMESTAMP_NANOS;
import static io.trino.spi.type.TimestampType.createTimestampType;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MICROS;
import static io.trino.spi.type.TimestampWithTimeZoneType.createTimestampWithTimeZoneType;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static io.trino.spi.type.VarcharType.createVarcharType;
import static io.trino.type.IntervalDayTimeType.INTERVAL_DAY_TIME;
import static io.trino.type.IntervalYearMonthType.INTERVAL_YEAR_MONTH;
import static io.trino.type.IpAddressType.IPADDRESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Declared column types that are widened to a storage type, and the types that are refused. The storage types themselves
 * are judged by DuckDB in {@link TestIcedbParquetWriterTypes}.
 */
final class TestTrinoToDuckDbTypes
{
    private static final TypeOperators TYPE_OPERATORS = new TypeOperators();
    private static final TrinoToDuckDbTypes MAPPING = new TrinoToDuckDbTypes(TYPE_OPERATORS);

    @Test
    void testWidenedTypes()
    {
        assertStoredAs(createVarcharType(10), VARCHAR, "VARCHAR");
        assertStoredAs(createCharType(3), VARCHAR, "VARCHAR");
        for (int precision = 0; precision <= 6; precision++) {
            assertStoredAs(createTimeType(precision), TIME_MICROS, "TIME");
            assertStoredAs(createTimestampType(precision), TIMESTAMP_MICROS, "TIMESTAMP");
            assertStoredAs(createTimestampWithTimeZoneType(precision), TIMESTAMP_TZ_MICROS, "TIMESTAMP WITH TIME ZONE");
        }
        for (int precision = 7; precision <= 9; precision++) {
            assertStoredAs(createTimestampType(precision), TIMESTAMP_NANOS, "TIMESTAMP_NS");
        }
        assertStoredAs(
                new ArrayType(RowType.from(ImmutableList.of(RowType.field("ts", createTimestampType(3)), RowType.field("Name", createCharType(2))))),
                new ArrayType(RowType.from(ImmutableList.of(RowType.field("ts", TIMESTAMP_MICROS), RowType.field("Name", VARCHAR)))),
                "STRUCT(ts TIMESTAMP, \"Name\" VARCHAR)[]");
        assertStoredAs(
                new MapType(createVarcharType(5), new ArrayType(createTimestampType(8)), TYPE_OPERATORS),
                new MapType(VARCHAR, new ArrayType(TIMESTAMP_NANOS), TYPE_OPERATORS),
                "MAP(VARCHAR, TIMESTAMP_NS[])");
    }

    @Test
    void testStorageTypesAreKept()
    {
        Type row = RowType.from(ImmutableList.of(RowType.field("a", BIGINT), RowType.field("b", new ArrayType(DOUBLE))));
        assertThat(MAPPING.toStorageType("c", row)).isSameAs(row);
        assertThat(TrinoToDuckDbTypes.isStorageType(row)).isTrue();
        assertThat(TrinoToDuckDbTypes.isStorageType(createVarcharType(3))).isFalse();
        assertThat(TrinoToDuckDbTypes.isStorageType(new MapType(BIGINT, createTimestampType(3), TYPE_OPERATORS))).isFalse();
    }

    @Test
    void testPrintedStringsParseBack()
    {
        Type type = new MapType(
                VARCHAR,
                RowType.from(ImmutableList.of(RowType.field("value", INTEGER), RowType.field("page name", new ArrayType(TIMESTAMP_TZ_MICROS)), RowType.field("x\"y", BIGINT))),
                TYPE_OPERATORS);
        String printed = TrinoToDuckDbTypes.toDuckDbType("c", type).toString();
        assertThat(printed).isEqualTo("MAP(VARCHAR, STRUCT(\"value\" INTEGER, \"page name\" TIMESTAMP WITH TIME ZONE[], \"x\"\"y\" BIGINT))");
        assertThat(DuckDbTypes.print(DuckDbTypes.parse(printed))).isEqualTo(printed);
    }

    @Test
    void testRefusedTypes()
    {
        assertRefused("t", createTimeType(7), "Unsupported type time(7) of column 't' for an IceDB table: DuckDB's TIME holds microseconds would lose digits of time(7)");
        assertRefused("ts", createTimestampType(10), "Unsupported type timestamp(10) of column 'ts' for an IceDB table: DuckDB's timestamps hold at most nanoseconds (TIMESTAMP_NS) would lose digits of timestamp(10)");
        assertRefused("ts", createTimestampWithTimeZoneType(9), "Unsupported type timestamp(9) with time zone of column 'ts' for an IceDB table: DuckDB's TIMESTAMP WITH TIME ZONE holds microseconds would lose digits of timestamp(9) with time zone");
        assertRefused("t", createTimeWithTimeZoneType(3), "Unsupported type time(3) with time zone of column 't' for an IceDB table: no DuckDB type stores time(3) with time zone faithfully");
        assertRefused("i", INTERVAL_DAY_TIME, "Unsupported type interval day to second of column 'i' for an IceDB table: no DuckDB type stores interval day to second faithfully");
        assertRefused("i", INTERVAL_YEAR_MONTH, "Unsupported type interval year to month of column 'i' for an IceDB table: no DuckDB type stores interval year to month faithfully");
        assertRefused("ip", IPADDRESS, "Unsupported type ipaddress of column 'ip' for an IceDB table: no DuckDB type stores ipaddress faithfully");
        assertRefused("h", HYPER_LOG_LOG, "Unsupported type HyperLogLog of column 'h' for an IceDB table: no DuckDB type stores HyperLogLog faithfully");
        assertRefused(
                "nested",
                new MapType(VARCHAR, new ArrayType(IPADDRESS), TYPE_OPERATORS),
                "Unsupported type map(varchar, array(ipaddress)) of column 'nested' for an IceDB table: no DuckDB type stores ipaddress faithfully");
        assertRefused(
                "r",
                RowType.anonymous(ImmutableList.of(BIGINT, VARCHAR)),
                "Unsupported type row(bigint, varchar) of column 'r' for an IceDB table: the row field of type bigint has no name; DuckDB structs need named fields");
        assertRefused(
                "r",
                RowType.from(ImmutableList.of(RowType.field("a", BIGINT), RowType.field("A", BIGINT))),
                "Unsupported type row(a bigint, A bigint) of column 'r' for an IceDB table: the row field name 'A' is used twice (DuckDB compares field names case-insensitively)");
        assertRefused(
                "r",
                RowType.from(ImmutableList.of(new RowType.Field(Optional.of(""), BIGINT))),
                "Unsupported type row( bigint) of column 'r' for an IceDB table: a row field has an empty name");
    }

    private static void assertStoredAs(Type declared, Type storage, String duckDbType)
    {
        assertThat(MAPPING.toStorageType("c", declared)).as("storage type of %s", declared).isEqualTo(storage);
        assertThat(TrinoToDuckDbTypes.isStorageType(storage)).isTrue();
        assertThat(TrinoToDuckDbTypes.toDuckDbType("c", declared).toString()).as("DuckDB type of %s", declared).isEqualTo(duckDbType);
        assertThat(TrinoToDuckDbTypes.toDuckDbType("c", storage).toString()).as("DuckDB type of %s", storage).isEqualTo(duckDbType);
    }

    private static void assertRefused(String column, Type type, String message)
    {
        assertThatThrownBy(() -> TrinoToDuckDbTypes.toDuckDbType(column, type))
                .isInstanceOfSatisfying(TrinoException.class, e -> assertThat(e.getErrorCode()).isEqualTo(NOT_SUPPORTED.toErrorCode()))
                .hasMessage(message);
        assertThatThrownBy(() -> MAPPING.toStorageType(column, type))
                .isInstanceOfSatisfying(TrinoException.class, e -> assertThat(e.getErrorCode()).isEqualTo(NOT_SUPPORTED.toErrorCode()))
                .hasMessage(message);
    }
}
