package io.trino.plugin.icedb.writer;

import com.google.common.collect.ImmutableList;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.TablePaths;
import io.trino.plugin.icedb.IcedbQueryRunner;
import io.trino.plugin.icedb.TestingLocalTables;
import io.trino.spi.type.ArrayType;
import io.trino.spi.type.MapType;
import io.trino.spi.type.RowType;
import io.trino.spi.type.Type;
import io.trino.spi.type.TypeOperators;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static io.trino.plugin.icedb.writer.IcedbParquetWriterTestSupport.writeFile;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.BooleanType.BOOLEAN;
import static io.trino.spi.type.DateType.DATE;
import static io.trino.spi.type.DecimalType.createDecimalType;
import static io.trino.spi.type.DoubleType.DOUBLE;
import static io.trino.spi.type.IntegerType.INTEGER;
import static io.trino.spi.type.RealType.REAL;
import static io.trino.spi.type.SmallintType.SMALLINT;
import static io.trino.spi.type.TimeType.TIME_MICROS;
import static io.trino.spi.type.TimestampType.TIMESTAMP_MICROS;
import static io.trino.spi.type.TimestampType.TIMESTAMP_NANOS;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MICROS;
import static io.trino.spi.type.TinyintType.TINYINT;
import static io.trino.spi.type.UuidType.UUID;
import static io.trino.spi.type.VarbinaryType.VARBINARY;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static io.trino.type.JsonType.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A part written by {@link IcedbParquetWriter} with every storage type, listed by a log whose schema line comes from
 * {@link TrinoToDuckDbTypes}, reads back through the connector with the storage types and the values written.
 */
final class TestWrittenPartsReadThroughConnector
        extends AbstractTestQueryFramework
{
    private static final TypeOperators TYPE_OPERATORS = new TypeOperators();

    /**
     * @param value the value written in row 1 (row 2 is all NULL)
     * @param trinoLiteral the same value as a Trino SQL expression of exactly the column's type
     */
    private record Column(String name, Type type, Object value, String trinoLiteral) {}

    private static final List<Column> COLUMNS = ImmutableList.of(
            new Column("c_boolean", BOOLEAN, true, "true"),
            new Column("c_tinyint", TINYINT, -128, "TINYINT '-128'"),
            new Column("c_smallint", SMALLINT, 32767, "SMALLINT '32767'"),
            new Column("c_integer", INTEGER, Integer.MIN_VALUE, "INTEGER '-2147483648'"),
            new Column("c_bigint", BIGINT, Long.MAX_VALUE, "BIGINT '9223372036854775807'"),
            new Column("c_real", REAL, 1.5f, "REAL '1.5'"),
            new Column("c_double", DOUBLE, 0.1, "DOUBLE '0.1'"),
            new Column("c_decimal_5_2", createDecimalType(5, 2), new BigDecimal("-123.45"), "DECIMAL '-123.45'"),
            new Column("c_decimal_18_4", createDecimalType(18, 4), new BigDecimal("12345678901234.5678"), "DECIMAL '12345678901234.5678'"),
            new Column("c_decimal_38_10", createDecimalType(38, 10), new BigDecimal("-1234567890123456789012345678.0123456789"), "DECIMAL '-1234567890123456789012345678.0123456789'"),
            new Column("c_varchar", VARCHAR, "héllo wörld 😀", "VARCHAR 'héllo wörld 😀'"),
            new Column("c_varbinary", VARBINARY, new byte[] {0, 'A', (byte) 0xff}, "X'0041ff'"),
            new Column("c_date", DATE, LocalDate.of(2024, 2, 29), "DATE '2024-02-29'"),
            new Column("c_time", TIME_MICROS, LocalTime.parse("23:59:59.999999"), "TIME '23:59:59.999999'"),
            new Column("c_timestamp", TIMESTAMP_MICROS, LocalDateTime.parse("1900-01-01T00:00:00.000001"), "TIMESTAMP '1900-01-01 00:00:00.000001'"),
            new Column("c_timestamp_ns", TIMESTAMP_NANOS, LocalDateTime.parse("2024-02-29T12:34:56.123456789"), "TIMESTAMP '2024-02-29 12:34:56.123456789'"),
            new Column("c_timestamp_tz", TIMESTAMP_TZ_MICROS, Instant.parse("2024-02-29T12:34:56.123456Z"), "TIMESTAMP '2024-02-29 12:34:56.123456 UTC'"),
            new Column("c_uuid", UUID, java.util.UUID.fromString("12345678-9abc-def0-1234-56789abcdef0"), "UUID '12345678-9abc-def0-1234-56789abcdef0'"),
            new Column("c_json", JSON, "{\"a\":1,\"b\":[true,null]}", "JSON '{\"a\":1,\"b\":[true,null]}'"),
            new Column("c_array", new ArrayType(BIGINT), Arrays.asList(1L, null), "ARRAY[BIGINT '1', NULL]"),
            new Column("c_map", new MapType(VARCHAR, DOUBLE, TYPE_OPERATORS), mapOf("k", 2.5, "n", null), "MAP(ARRAY[VARCHAR 'k', 'n'], ARRAY[DOUBLE '2.5', NULL])"),
            new Column(
                    "c_row",
                    RowType.from(ImmutableList.of(RowType.field("a", BIGINT), RowType.field("page name", VARCHAR), RowType.field("value", new ArrayType(DATE)))),
                    Arrays.asList(7L, "home", Arrays.asList(LocalDate.of(2020, 1, 2), null)),
                    "CAST(ROW(7, 'home', ARRAY[DATE '2020-01-02', NULL]) AS ROW(a bigint, \"page name\" varchar, \"value\" array(date)))"));

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        Path root = Files.createTempDirectory("icedb-written-parts");
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setLocalWarehouse(root)
                .registerResource(() -> deleteRecursively(root, ALLOW_INSECURE))
                .build();

        String table = "s/written";
        List<String> names = new ArrayList<>(List.of("id"));
        List<Type> types = new ArrayList<>(List.of(BIGINT));
        List<Object> firstRow = new ArrayList<>(List.of(1L));
        List<Object> secondRow = new ArrayList<>(List.of(2L));
        Map<String, String> schema = new LinkedHashMap<>();
        schema.put("id", "BIGINT");
        for (Column column : COLUMNS) {
            names.add(column.name());
            types.add(column.type());
            firstRow.add(column.value());
            secondRow.add(null);
            schema.put(column.name(), TrinoToDuckDbTypes.toDuckDbType(column.name(), column.type()).toString());
        }
        String key = TablePaths.dataPrefix(table) + java.util.UUID.randomUUID() + ".parquet";
        Path file = root.resolve(key);
        Files.createDirectories(file.getParent());
        WrittenParquetFile written = writeFile(file, names, types, List.of(firstRow, secondRow), IcedbParquetWriterOptions.defaults());
        TestingLocalTables.writeLog(root, table, 1000, schema, List.of(FileMarker.alive(key, written.fileSizeInBytes(), 1000)));
        return queryRunner;
    }

    @Test
    void testColumnsHaveTheStorageTypes()
    {
        StringBuilder expected = new StringBuilder("VALUES ('id', 'bigint')");
        for (Column column : COLUMNS) {
            expected.append(", ('").append(column.name()).append("', '").append(column.type().getDisplayName().replace("'", "''")).append("')");
        }
        assertThat(query("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 's' AND table_name = 'written'"))
                .skippingTypesCheck()
                .matches(expected.toString());
    }

    @Test
    void testValuesReadBack()
    {
        for (Column column : COLUMNS) {
            assertThat(query("SELECT id, %s FROM s.written".formatted(quoted(column.name()))))
                    .as("column %s", column.name())
                    .matches("VALUES (BIGINT '1', %s), (BIGINT '2', NULL)".formatted(column.trinoLiteral()));
        }
    }

    private static String quoted(String name)
    {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static Map<Object, Object> mapOf(Object... keysAndValues)
    {
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
