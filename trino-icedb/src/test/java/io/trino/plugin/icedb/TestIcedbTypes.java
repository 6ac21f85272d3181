package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableMap;
import io.icedb.engine.spec.FileMarker;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every DuckDB type of spec §4 that Trino can represent, in a part DuckDB wrote, reads as its Trino type.
 */
public class TestIcedbTypes
        extends AbstractTestQueryFramework
{
    private static final Map<String, String> COLUMNS = ImmutableMap.<String, String>builder()
            .put("c_boolean", "BOOLEAN")
            .put("c_tinyint", "TINYINT")
            .put("c_smallint", "SMALLINT")
            .put("c_integer", "INTEGER")
            .put("c_bigint", "BIGINT")
            .put("c_hugeint", "HUGEINT")
            .put("c_utinyint", "UTINYINT")
            .put("c_usmallint", "USMALLINT")
            .put("c_uinteger", "UINTEGER")
            .put("c_ubigint", "UBIGINT")
            .put("c_float", "FLOAT")
            .put("c_double", "DOUBLE")
            .put("c_decimal_short", "DECIMAL(10,2)")
            .put("c_decimal_long", "DECIMAL(38,10)")
            .put("c_varchar", "VARCHAR")
            .put("c_blob", "BLOB")
            .put("c_uuid", "UUID")
            .put("c_json", "JSON")
            .put("c_date", "DATE")
            .put("c_time", "TIME")
            .put("c_timestamp", "TIMESTAMP")
            .put("c_timestamptz", "TIMESTAMP WITH TIME ZONE")
            .put("c_timestamp_ms", "TIMESTAMP_MS")
            .put("c_timestamp_ns", "TIMESTAMP_NS")
            .put("c_timestamp_s", "TIMESTAMP_S")
            .put("c_list", "BIGINT[]")
            .put("c_struct", "STRUCT(a BIGINT, \"b c\" VARCHAR)")
            .put("c_map", "MAP(VARCHAR, BIGINT)")
            .put("c_nested", "STRUCT(xs INTEGER[], m MAP(VARCHAR, DOUBLE))[]")
            .buildOrThrow();

    private static final String VALUES = """
            SELECT
                true AS c_boolean,
                CAST(-7 AS TINYINT) AS c_tinyint,
                CAST(-300 AS SMALLINT) AS c_smallint,
                CAST(-70000 AS INTEGER) AS c_integer,
                CAST(-9000000000 AS BIGINT) AS c_bigint,
                CAST('-1180591620717411303424' AS HUGEINT) AS c_hugeint,
                CAST(255 AS UTINYINT) AS c_utinyint,
                CAST(65535 AS USMALLINT) AS c_usmallint,
                CAST(4294967295 AS UINTEGER) AS c_uinteger,
                CAST('18446744073709551615' AS UBIGINT) AS c_ubigint,
                CAST(1.5 AS FLOAT) AS c_float,
                CAST(0.1 AS DOUBLE) AS c_double,
                CAST('12345678.91' AS DECIMAL(10,2)) AS c_decimal_short,
                CAST('1234567890123456789012345678.0123456789' AS DECIMAL(38,10)) AS c_decimal_long,
                'héllo' AS c_varchar,
                '\\x00\\xFFa'::BLOB AS c_blob,
                CAST('0c4e5e57-84b5-4b2f-9c3e-9a0f9b0e2b01' AS UUID) AS c_uuid,
                CAST('{"k": [1, 2]}' AS JSON) AS c_json,
                DATE '2024-02-29' AS c_date,
                TIME '12:34:56.789012' AS c_time,
                TIMESTAMP '2023-06-07 12:34:56.789012' AS c_timestamp,
                TIMESTAMPTZ '2023-06-07 12:34:56.789012+00' AS c_timestamptz,
                CAST(TIMESTAMP '2023-06-07 12:34:56.789' AS TIMESTAMP_MS) AS c_timestamp_ms,
                CAST('2023-06-07 12:34:56.123456789' AS TIMESTAMP_NS) AS c_timestamp_ns,
                CAST(TIMESTAMP '2023-06-07 12:34:56' AS TIMESTAMP_S) AS c_timestamp_s,
                [1, NULL, 3]::BIGINT[] AS c_list,
                {'a': 1, 'b c': 'x'}::STRUCT(a BIGINT, "b c" VARCHAR) AS c_struct,
                MAP {'k1': 1, 'k2': 2}::MAP(VARCHAR, BIGINT) AS c_map,
                [{'xs': [1, 2], 'm': MAP {'p': 0.5}}]::STRUCT(xs INTEGER[], m MAP(VARCHAR, DOUBLE))[] AS c_nested
            """;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        Path root = Files.createTempDirectory("icedb-types");
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setLocalWarehouse(root)
                .registerResource(() -> deleteRecursively(root, ALLOW_INSECURE))
                .build();
        FileMarker values = TestingLocalTables.writePart(root, "s/all_types", "", VALUES, 2048);
        String nulls = "SELECT " + String.join(", ", COLUMNS.entrySet().stream()
                .map(column -> "CAST(NULL AS %s) AS %s".formatted(column.getValue(), column.getKey()))
                .toList());
        FileMarker nullValues = TestingLocalTables.writePart(root, "s/all_types", "", nulls, 2048);
        TestingLocalTables.writeLog(root, "s/all_types", 1000, COLUMNS, List.of(values, nullValues));
        return queryRunner;
    }

    @Test
    public void testColumnTypes()
    {
        assertThat(query("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 's' AND table_name = 'all_types'"))
                .skippingTypesCheck()
                .matches("""
                        VALUES
                            ('c_boolean', 'boolean'), ('c_tinyint', 'tinyint'), ('c_smallint', 'smallint'), ('c_integer', 'integer'),
                            ('c_bigint', 'bigint'), ('c_hugeint', 'decimal(38,0)'), ('c_utinyint', 'smallint'), ('c_usmallint', 'integer'),
                            ('c_uinteger', 'bigint'), ('c_ubigint', 'decimal(20,0)'), ('c_float', 'real'), ('c_double', 'double'),
                            ('c_decimal_short', 'decimal(10,2)'), ('c_decimal_long', 'decimal(38,10)'), ('c_varchar', 'varchar'),
                            ('c_blob', 'varbinary'), ('c_uuid', 'uuid'), ('c_json', 'json'), ('c_date', 'date'), ('c_time', 'time(6)'),
                            ('c_timestamp', 'timestamp(6)'), ('c_timestamptz', 'timestamp(6) with time zone'), ('c_timestamp_ms', 'timestamp(3)'),
                            ('c_timestamp_ns', 'timestamp(9)'), ('c_timestamp_s', 'timestamp(0)'), ('c_list', 'array(bigint)'),
                            ('c_struct', 'row(a bigint, b c varchar)'), ('c_map', 'map(varchar, bigint)'),
                            ('c_nested', 'array(row(xs array(integer), m map(varchar, double)))')
                        """);
    }

    @Test
    public void testScalarValues()
    {
        assertValue("c_boolean", "true");
        assertValue("c_tinyint", "TINYINT '-7'");
        assertValue("c_smallint", "SMALLINT '-300'");
        assertValue("c_integer", "-70000");
        assertValue("c_bigint", "BIGINT '-9000000000'");
        assertValue("c_utinyint", "SMALLINT '255'");
        assertValue("c_usmallint", "65535");
        assertValue("c_uinteger", "BIGINT '4294967295'");
        assertValue("c_ubigint", "DECIMAL '18446744073709551615'");
        assertValue("c_float", "REAL '1.5'");
        assertValue("c_double", "DOUBLE '0.1'");
        assertValue("c_decimal_short", "DECIMAL '12345678.91'");
        assertValue("c_decimal_long", "DECIMAL '1234567890123456789012345678.0123456789'");
        assertValue("c_varchar", "VARCHAR 'héllo'");
        assertValue("c_blob", "X'00FF61'");
        assertValue("c_uuid", "UUID '0c4e5e57-84b5-4b2f-9c3e-9a0f9b0e2b01'");
        assertValue("c_date", "DATE '2024-02-29'");
        assertValue("c_time", "TIME '12:34:56.789012'");
        assertValue("c_timestamp", "TIMESTAMP '2023-06-07 12:34:56.789012'");
        assertValue("c_timestamptz", "TIMESTAMP '2023-06-07 12:34:56.789012 UTC'");
        assertValue("c_timestamp_ms", "TIMESTAMP '2023-06-07 12:34:56.789'");
        assertValue("c_timestamp_ns", "TIMESTAMP '2023-06-07 12:34:56.123456789'");
        assertValue("c_timestamp_s", "TIMESTAMP '2023-06-07 12:34:56'");
    }

    @Test
    public void testHugeint()
    {
        // DuckDB stores HUGEINT as DOUBLE in Parquet: -2^70 survives exactly
        assertValue("c_hugeint", "CAST('-1180591620717411303424' AS DECIMAL(38,0))");
    }

    @Test
    public void testJson()
    {
        assertThat(query("SELECT json_format(c_json), json_extract_scalar(c_json, '$.k[1]') FROM s.all_types WHERE c_json IS NOT NULL"))
                .matches("VALUES (VARCHAR '{\"k\":[1,2]}', VARCHAR '2')");
    }

    @Test
    public void testNestedValues()
    {
        assertValue("c_list", "ARRAY[BIGINT '1', NULL, 3]");
        assertValue("c_struct", "CAST(ROW(1, 'x') AS ROW(a BIGINT, \"b c\" VARCHAR))");
        assertValue("c_map", "MAP(ARRAY[VARCHAR 'k1', 'k2'], ARRAY[BIGINT '1', 2])");
        assertValue("c_nested", "ARRAY[CAST(ROW(ARRAY[1, 2], MAP(ARRAY[VARCHAR 'p'], ARRAY[DOUBLE '0.5'])) AS ROW(xs ARRAY(INTEGER), m MAP(VARCHAR, DOUBLE)))]");
        assertThat(query("SELECT c_struct.a, c_struct.\"b c\" FROM s.all_types WHERE c_struct IS NOT NULL"))
                .matches("VALUES (BIGINT '1', VARCHAR 'x')");
    }

    @Test
    public void testNulls()
    {
        assertThat(query("SELECT count(*) FROM s.all_types WHERE " + String.join(" AND ", COLUMNS.keySet().stream().map(column -> column + " IS NULL").toList())))
                .matches("VALUES BIGINT '1'");
    }

    private void assertValue(String column, String expected)
    {
        assertThat(query("SELECT %s FROM s.all_types WHERE %1$s IS NOT NULL".formatted(column)))
                .matches("SELECT " + expected);
    }
}
