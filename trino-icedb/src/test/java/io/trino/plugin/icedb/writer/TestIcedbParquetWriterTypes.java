package io.trino.plugin.icedb.writer;

import com.google.common.collect.ImmutableList;
import io.trino.spi.type.ArrayType;
import io.trino.spi.type.MapType;
import io.trino.spi.type.RowType;
import io.trino.spi.type.Type;
import io.trino.spi.type.TypeOperators;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
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
import java.util.stream.Stream;

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
 * For every storage type, DuckDB is the judge: {@code DESCRIBE} of the Parquet file we write must print exactly the type
 * string of {@link TrinoToDuckDbTypes}, and DuckDB must read back exactly the values we wrote, NULLs included.
 */
final class TestIcedbParquetWriterTypes
{
    private static final TypeOperators TYPE_OPERATORS = new TypeOperators();

    @TempDir
    Path tempDir;

    /**
     * @param values the values written, one row each
     * @param duckDbType what DuckDB's DESCRIBE must print, written out by hand
     * @param duckDbText each value as DuckDB prints it cast to VARCHAR ({@code NULL} for NULL)
     */
    private record TypeCase(String column, Type type, List<?> values, String duckDbType, List<String> duckDbText) {}

    private static List<TypeCase> typeCases()
    {
        RowType pageRow = RowType.from(ImmutableList.of(
                RowType.field("a", BIGINT),
                RowType.field("page name", VARCHAR),
                RowType.field("value", DOUBLE)));
        RowType quotedRow = RowType.from(ImmutableList.of(
                RowType.field("camelCase", INTEGER),
                RowType.field("a\"b", new MapType(VARCHAR, new ArrayType(TIMESTAMP_MICROS), TYPE_OPERATORS)),
                RowType.field("select", new ArrayType(RowType.from(ImmutableList.of(RowType.field("x", DATE)))))));
        return ImmutableList.of(
                new TypeCase("c_boolean", BOOLEAN, values(true, false, null), "BOOLEAN", text("true", "false", "NULL")),
                new TypeCase("c_tinyint", TINYINT, values(-128, 127, 0, null), "TINYINT", text("-128", "127", "0", "NULL")),
                new TypeCase("c_smallint", SMALLINT, values(-32768, 32767, null), "SMALLINT", text("-32768", "32767", "NULL")),
                new TypeCase("c_integer", INTEGER, values(Integer.MIN_VALUE, Integer.MAX_VALUE, null), "INTEGER", text("-2147483648", "2147483647", "NULL")),
                new TypeCase("c_bigint", BIGINT, values(Long.MIN_VALUE, Long.MAX_VALUE, null), "BIGINT", text("-9223372036854775808", "9223372036854775807", "NULL")),
                new TypeCase("c_real", REAL, values(1.5f, -2.25f, Float.NaN, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, null), "FLOAT", text("1.5", "-2.25", "nan", "-inf", "3.4028235e+38", "NULL")),
                new TypeCase("c_double", DOUBLE, values(0.1, -1.0e300, Double.NaN, Double.POSITIVE_INFINITY, -0.0, null), "DOUBLE", text("0.1", "-1e+300", "nan", "inf", "-0.0", "NULL")),
                new TypeCase("c_decimal_5_2", createDecimalType(5, 2), values(new BigDecimal("123.45"), new BigDecimal("-0.01"), null), "DECIMAL(5,2)", text("123.45", "-0.01", "NULL")),
                new TypeCase("c_decimal_18_4", createDecimalType(18, 4), values(new BigDecimal("12345678901234.5678"), new BigDecimal("-99999999999999.9999"), null), "DECIMAL(18,4)", text("12345678901234.5678", "-99999999999999.9999", "NULL")),
                new TypeCase("c_decimal_1_0", createDecimalType(1, 0), values(new BigDecimal("9"), new BigDecimal("-9"), null), "DECIMAL(1,0)", text("9", "-9", "NULL")),
                // DuckDB prints a DECIMAL whose precision equals its scale without the leading zero
                new TypeCase("c_decimal_9_9", createDecimalType(9, 9), values(new BigDecimal("0.999999999"), new BigDecimal("-0.000000001"), null), "DECIMAL(9,9)", text(".999999999", "-.000000001", "NULL")),
                new TypeCase(
                        "c_decimal_19_0",
                        createDecimalType(19, 0),
                        values(new BigDecimal("9999999999999999999"), new BigDecimal("-9999999999999999999"), null),
                        "DECIMAL(19,0)",
                        text("9999999999999999999", "-9999999999999999999", "NULL")),
                new TypeCase(
                        "c_decimal_38_10",
                        createDecimalType(38, 10),
                        values(new BigDecimal("1234567890123456789012345678.0123456789"), new BigDecimal("-9999999999999999999999999999.9999999999"), null),
                        "DECIMAL(38,10)",
                        text("1234567890123456789012345678.0123456789", "-9999999999999999999999999999.9999999999", "NULL")),
                new TypeCase("c_varchar", VARCHAR, values("", "héllo wörld 😀", "a'b\"c", null), "VARCHAR", text("", "héllo wörld 😀", "a'b\"c", "NULL")),
                new TypeCase("c_varbinary", VARBINARY, values(new byte[] {0, 'A', (byte) 0xff}, new byte[0], null), "BLOB", text("\\x00A\\xFF", "", "NULL")),
                new TypeCase("c_date", DATE, values(LocalDate.of(1970, 1, 1), LocalDate.of(2024, 2, 29), LocalDate.of(1, 1, 1), null), "DATE", text("1970-01-01", "2024-02-29", "0001-01-01", "NULL")),
                new TypeCase("c_time", TIME_MICROS, values(LocalTime.MIDNIGHT, LocalTime.parse("23:59:59.999999"), LocalTime.parse("12:34:56.789"), null), "TIME", text("00:00:00", "23:59:59.999999", "12:34:56.789", "NULL")),
                new TypeCase(
                        "c_timestamp",
                        TIMESTAMP_MICROS,
                        values(LocalDateTime.parse("1970-01-01T00:00:00"), LocalDateTime.parse("2024-02-29T12:34:56.123456"), LocalDateTime.parse("1900-01-01T00:00:00.000001"), null),
                        "TIMESTAMP",
                        text("1970-01-01 00:00:00", "2024-02-29 12:34:56.123456", "1900-01-01 00:00:00.000001", "NULL")),
                new TypeCase(
                        "c_timestamp_ns",
                        TIMESTAMP_NANOS,
                        values(LocalDateTime.parse("2024-02-29T12:34:56.123456789"), LocalDateTime.parse("1969-12-31T23:59:59.999999999"), null),
                        "TIMESTAMP_NS",
                        text("2024-02-29 12:34:56.123456789", "1969-12-31 23:59:59.999999999", "NULL")),
                new TypeCase(
                        "c_timestamp_tz",
                        TIMESTAMP_TZ_MICROS,
                        values(Instant.parse("2024-02-29T12:34:56.123456Z"), Instant.parse("1960-01-01T00:00:00Z"), null),
                        "TIMESTAMP WITH TIME ZONE",
                        text("2024-02-29 12:34:56.123456+00", "1960-01-01 00:00:00+00", "NULL")),
                new TypeCase(
                        "c_uuid",
                        UUID,
                        values(java.util.UUID.fromString("12345678-9abc-def0-1234-56789abcdef0"), java.util.UUID.fromString("00000000-0000-0000-0000-000000000000"), null),
                        "UUID",
                        text("12345678-9abc-def0-1234-56789abcdef0", "00000000-0000-0000-0000-000000000000", "NULL")),
                new TypeCase("c_json", JSON, values("{\"a\":1,\"b\":[true,null]}", "null", null), "JSON", text("{\"a\":1,\"b\":[true,null]}", "null", "NULL")),
                new TypeCase(
                        "c_array",
                        new ArrayType(BIGINT),
                        values(values(1L, 2L, null), values(), null),
                        "BIGINT[]",
                        text("[1, 2, NULL]", "[]", "NULL")),
                new TypeCase(
                        "c_array_array",
                        new ArrayType(new ArrayType(VARCHAR)),
                        values(values(values("a", "b"), values(), null), null),
                        "VARCHAR[][]",
                        text("[[a, b], [], NULL]", "NULL")),
                new TypeCase(
                        "c_map",
                        new MapType(VARCHAR, BIGINT, TYPE_OPERATORS),
                        values(map("a", 1L, "b", null), map(), null),
                        "MAP(VARCHAR, BIGINT)",
                        text("{a=1, b=NULL}", "{}", "NULL")),
                new TypeCase(
                        "c_map_of_arrays",
                        new MapType(BIGINT, new ArrayType(DOUBLE), TYPE_OPERATORS),
                        values(map(1L, values(1.5, null), 2L, null), null),
                        "MAP(BIGINT, DOUBLE[])",
                        text("{1=[1.5, NULL], 2=NULL}", "NULL")),
                new TypeCase(
                        "c_array_of_json",
                        new ArrayType(JSON),
                        values(values("{\"k\":\"v\"}", null), null),
                        "JSON[]",
                        text("[{\"k\":\"v\"}, NULL]", "NULL")),
                new TypeCase(
                        "c_map_of_uuid_to_decimal",
                        new MapType(UUID, createDecimalType(20, 2), TYPE_OPERATORS),
                        values(map(java.util.UUID.fromString("00000000-0000-0000-0000-000000000001"), new BigDecimal("-123456789012345678.90"))),
                        "MAP(UUID, DECIMAL(20,2))",
                        text("{00000000-0000-0000-0000-000000000001=-123456789012345678.90}")),
                new TypeCase("page name", BIGINT, values(1L, null), "BIGINT", text("1", "NULL")),
                new TypeCase(
                        "c_row",
                        pageRow,
                        values(values(1L, "home", 2.5), values(null, null, null), null),
                        "STRUCT(a BIGINT, \"page name\" VARCHAR, \"value\" DOUBLE)",
                        text("{'a': 1, 'page name': home, 'value': 2.5}", "{'a': NULL, 'page name': NULL, 'value': NULL}", "NULL")),
                new TypeCase(
                        "c_array_of_rows",
                        new ArrayType(pageRow),
                        values(values(values(1L, "x", null), null), null),
                        "STRUCT(a BIGINT, \"page name\" VARCHAR, \"value\" DOUBLE)[]",
                        text("[{'a': 1, 'page name': x, 'value': NULL}, NULL]", "NULL")),
                new TypeCase(
                        "c_nested_row",
                        quotedRow,
                        values(
                                values(7, map("k", values(LocalDateTime.parse("2020-01-01T00:00:00.5"), null)), values(values(LocalDate.of(2020, 1, 2)), null)),
                                null),
                        "STRUCT(camelCase INTEGER, \"a\"\"b\" MAP(VARCHAR, TIMESTAMP[]), \"select\" STRUCT(x DATE)[])",
                        // DuckDB quotes a nested value that contains a space
                        text("{'camelCase': 7, 'a\"b': {k=['2020-01-01 00:00:00.5', NULL]}, 'select': [{'x': 2020-01-02}, NULL]}", "NULL")));
    }

    @TestFactory
    Stream<DynamicTest> testDuckDbDescribesAndReadsEveryType()
    {
        return typeCases().stream().map(typeCase -> DynamicTest.dynamicTest(typeCase.column() + " " + typeCase.type(), () -> {
            Path file = tempDir.resolve(typeCase.column() + ".parquet");
            List<List<?>> rows = typeCase.values().stream().<List<?>>map(Arrays::asList).toList();
            writeFile(file, List.of(typeCase.column()), List.of(typeCase.type()), rows, IcedbParquetWriterOptions.defaults().withValidation(true));

            assertThat(TrinoToDuckDbTypes.toDuckDbType(typeCase.column(), typeCase.type()).toString()).isEqualTo(typeCase.duckDbType());
            assertThat(new TrinoToDuckDbTypes(TYPE_OPERATORS).toStorageType(typeCase.column(), typeCase.type())).isEqualTo(typeCase.type());
            try (DuckDbJudge duckDb = new DuckDbJudge()) {
                assertThat(duckDb.describe(file)).containsExactly(Map.entry(typeCase.column(), typeCase.duckDbType()));
                assertThat(duckDb.rowsAsText(file)).containsExactlyElementsOf(typeCase.duckDbText().stream().map(List::of).toList());
                // the same type written by DuckDB itself (as Python's inserts do): the same DESCRIBE, the same Parquet layout
                Path duckDbFile = tempDir.resolve(typeCase.column() + ".duckdb.parquet");
                duckDb.execute("COPY (SELECT CAST(NULL AS %s) AS %s) TO %s (FORMAT parquet)".formatted(typeCase.duckDbType(), DuckDbJudge.identifier(typeCase.column()), DuckDbJudge.literal(duckDbFile)));
                assertThat(duckDb.describe(duckDbFile)).isEqualTo(duckDb.describe(file));
                String layout = "SELECT name, type, type_length, repetition_type, converted_type, logical_type FROM parquet_schema(%s) WHERE column_id > 0 ORDER BY column_id";
                List<List<String>> ourLayout = duckDb.query(layout.formatted(DuckDbJudge.literal(file)));
                List<List<String>> duckDbLayout = duckDb.query(layout.formatted(DuckDbJudge.literal(duckDbFile)));
                assertThat(ourLayout).hasSameSizeAs(duckDbLayout);
                for (int i = 0; i < ourLayout.size(); i++) {
                    assertThat(ourLayout.get(i).subList(0, 5)).isEqualTo(duckDbLayout.get(i).subList(0, 5));
                    // DuckDB leaves out the logical type where a converted type says it all; we write both
                    if (!duckDbLayout.get(i).get(5).equals("NULL")) {
                        assertThat(ourLayout.get(i).get(5)).isEqualTo(duckDbLayout.get(i).get(5));
                    }
                }
            }
        }));
    }

    @Test
    void testAllTypesInOneFile()
            throws Exception
    {
        List<TypeCase> cases = typeCases();
        List<String> columns = cases.stream().map(TypeCase::column).toList();
        List<Type> types = cases.stream().map(TypeCase::type).toList();
        List<List<?>> rows = new ArrayList<>();
        rows.add(cases.stream().map(typeCase -> typeCase.values().getFirst()).toList());
        rows.add(Arrays.asList(new Object[cases.size()]));
        Path file = tempDir.resolve("all.parquet");
        writeFile(file, columns, types, rows, IcedbParquetWriterOptions.defaults().withValidation(true));

        Map<String, String> expectedSchema = new LinkedHashMap<>();
        cases.forEach(typeCase -> expectedSchema.put(typeCase.column(), typeCase.duckDbType()));
        try (DuckDbJudge duckDb = new DuckDbJudge()) {
            assertThat(duckDb.describe(file)).containsExactlyEntriesOf(expectedSchema);
            List<List<String>> read = duckDb.rowsAsText(file);
            assertThat(read).hasSize(2);
            assertThat(read.get(0)).containsExactlyElementsOf(cases.stream().map(typeCase -> typeCase.duckDbText().getFirst()).toList());
            assertThat(read.get(1)).containsOnly("NULL");
        }
    }

    private static List<Object> values(Object... values)
    {
        return Arrays.asList(values);
    }

    private static List<String> text(String... values)
    {
        return List.of(values);
    }

    private static Map<Object, Object> map(Object... keysAndValues)
    {
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
