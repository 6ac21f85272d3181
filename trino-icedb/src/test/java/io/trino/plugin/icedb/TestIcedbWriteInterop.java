package io.trino.plugin.icedb;

import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileParser;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.MaterializedRow;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tables the connector writes, with every supported type and several partitionings, read by the others: every log
 * parses in the engine and re-encodes to the same bytes (the strict, Python-compatible encoding), the schema line
 * prints each column exactly as DuckDB describes the part, and DuckDB reads every part with the rows Trino reads.
 */
public class TestIcedbWriteInterop
        extends AbstractTestQueryFramework
{
    private static final String COLUMNS = """
            id bigint, flag boolean, tiny tinyint, small smallint, num integer, r real, dbl double,
            dec_short decimal(10,2), dec_long decimal(30,5), name varchar, bin varbinary, d date, t time(6),
            ts timestamp(6), ts_ms timestamp(3), ts_ns timestamp(9), tstz timestamp(6) with time zone, u uuid, j json,
            tags array(varchar), attrs map(varchar, integer), point row(x double, label varchar), nested array(row(k bigint, v array(integer)))""";

    private static final String ROWS = """
            (BIGINT '1', true, TINYINT '-128', SMALLINT '32767', 7, REAL '1.5', DOUBLE '-0.25',
             DECIMAL '12345678.91', DECIMAL '1234567890123456789012345.12345', 'ascii', X'00ff', DATE '2024-01-15', TIME '10:11:12.123456',
             TIMESTAMP '2024-01-15 10:00:00.123456', TIMESTAMP '2024-01-15 10:00:00.123', TIMESTAMP '2024-01-15 10:00:00.123456789',
             TIMESTAMP '2024-01-15 10:00:00.123456 UTC', UUID '12151fd2-7586-11e9-8f9e-2a86e4085a59', JSON '{"a": [1, 2]}',
             ARRAY['x', NULL], MAP(ARRAY['k'], ARRAY[1]), ROW(1.5, 'p'), ARRAY[ROW(BIGINT '1', ARRAY[1, 2])]),
            (2, false, 127, -32768, -2147483648, REAL 'NaN', DOUBLE 'Infinity',
             DECIMAL '-0.01', DECIMAL '-0.00001', 'ünïcødé 名 😀', X'', DATE '1969-12-31', TIME '00:00:00',
             TIMESTAMP '1969-12-31 23:59:59.999999', TIMESTAMP '1900-01-01 00:00:00.000', TIMESTAMP '2262-04-11 23:47:16.854775806',
             TIMESTAMP '1970-01-01 00:00:00.000001 UTC', UUID '00000000-0000-0000-0000-000000000000', JSON '"text"',
             ARRAY[], MAP(), ROW(NULL, NULL), ARRAY[]),
            (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
            (4, true, 1, 2, 3, REAL '4', DOUBLE '5', DECIMAL '6', DECIMAL '7', 'a/b=c%d', X'01', DATE '2024-02-29', TIME '23:59:59.999999',
             TIMESTAMP '2024-02-29 23:00:00', TIMESTAMP '2024-02-29 23:00:00', TIMESTAMP '2024-02-29 23:00:00',
             TIMESTAMP '2024-02-29 23:00:00 UTC', UUID 'ffffffff-ffff-ffff-ffff-ffffffffffff', JSON 'null',
             ARRAY['y'], MAP(ARRAY['a', 'b'], ARRAY[NULL, 2]), ROW(-1, ''), ARRAY[ROW(NULL, NULL)])""";

    private Path root;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        root = Files.createTempDirectory("icedb-interop");
        Path directory = root;
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setLocalWarehouse(root)
                .registerResource(() -> deleteRecursively(directory, ALLOW_INSECURE))
                .build();
        queryRunner.execute("CREATE SCHEMA icedb.interop");
        return queryRunner;
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "WITH (partitioning = ARRAY['name'])",
            "WITH (partitioning = ARRAY['day(ts)', 'bucket(id, 3)'], sorted_by = ARRAY['dbl DESC'])",
            "WITH (partitioning = ARRAY['truncate(name, 2)', 'year(d)', 'month(tstz)', 'hour(ts_ns)'], compression_codec = 'GZIP')",
            "WITH (partitioning = ARRAY['flag', 'truncate(num, 10)', 'dec_short'], compression_codec = 'NONE', parquet_bloom_filter_columns = ARRAY['id', 'name'])",
    })
    public void testWrittenTablesReadInEngineAndDuckDb(String properties)
            throws Exception
    {
        String table = "t" + Integer.toHexString(properties.hashCode() & 0xFFFFFF);
        assertUpdate("CREATE TABLE interop." + table + " (" + COLUMNS + ") " + properties);
        assertUpdate("INSERT INTO interop." + table + " VALUES " + ROWS, 4);
        assertUpdate("INSERT INTO interop." + table + " SELECT id + 10, flag, tiny, small, num, r, dbl, dec_short, dec_long, name, bin, d, t, ts, ts_ms, ts_ns, tstz, u, j, tags, attrs, point, nested FROM interop." + table, 4);
        assertThat(query("SELECT count(*), count(DISTINCT id) FROM interop." + table)).matches("VALUES (BIGINT '8', BIGINT '8')");

        String prefix = "interop/" + table;
        Map<String, String> schema = new LinkedHashMap<>();
        List<String> parts = new ArrayList<>();
        for (Path logFile : list(root.resolve(prefix + "/_log"))) {
            String key = root.relativize(logFile).toString();
            byte[] content = Files.readAllBytes(logFile);
            LogFile log = LogFileParser.parse(key, content);
            // strict mode: the bytes are exactly what the encoder (Python's json.dumps layout) produces
            assertThat(LogFileParser.write(log)).isEqualTo(content);
            assertThat(log.logTombstones()).isEmpty();
            schema.putAll(log.schema().columns());
            log.fileMarkers().stream().map(FileMarker::path).forEach(parts::add);
            for (FileMarker marker : log.fileMarkers()) {
                assertThat(marker.path()).startsWith(prefix + "/_data/");
                assertThat(Files.size(root.resolve(marker.path()))).isEqualTo(marker.bytes());
            }
        }
        assertThat(schema).containsExactly(
                Map.entry("id", "BIGINT"), Map.entry("flag", "BOOLEAN"), Map.entry("tiny", "TINYINT"), Map.entry("small", "SMALLINT"),
                Map.entry("num", "INTEGER"), Map.entry("r", "FLOAT"), Map.entry("dbl", "DOUBLE"), Map.entry("dec_short", "DECIMAL(10,2)"),
                Map.entry("dec_long", "DECIMAL(30,5)"), Map.entry("name", "VARCHAR"), Map.entry("bin", "BLOB"), Map.entry("d", "DATE"),
                Map.entry("t", "TIME"), Map.entry("ts", "TIMESTAMP"), Map.entry("ts_ms", "TIMESTAMP"), Map.entry("ts_ns", "TIMESTAMP_NS"),
                Map.entry("tstz", "TIMESTAMP WITH TIME ZONE"), Map.entry("u", "UUID"), Map.entry("j", "JSON"), Map.entry("tags", "VARCHAR[]"),
                Map.entry("attrs", "MAP(VARCHAR, INTEGER)"), Map.entry("point", "STRUCT(x DOUBLE, \"label\" VARCHAR)"),
                Map.entry("nested", "STRUCT(k BIGINT, v INTEGER[])[]"));
        assertThat(parts).isNotEmpty();

        try (Connection duckDb = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duckDb.createStatement()) {
            statement.execute("SET TimeZone = 'UTC'");
            for (String part : parts) {
                String file = root.resolve(part).toString().replace("'", "''");
                // the schema line prints each column as DuckDB describes the part
                Map<String, String> described = new LinkedHashMap<>();
                try (ResultSet resultSet = statement.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + file + "', hive_partitioning = false)")) {
                    while (resultSet.next()) {
                        described.put(resultSet.getString(1), resultSet.getString(2));
                    }
                }
                assertThat(described).isEqualTo(schema);

                // the same rows, compared through a rendering both engines print identically
                List<String> duckDbRows = new ArrayList<>();
                try (ResultSet resultSet = statement.executeQuery("""
                        SELECT id, CAST(flag AS VARCHAR), tiny, small, num, CAST(dec_short AS VARCHAR), CAST(dec_long AS VARCHAR), name, hex(bin),
                               CAST(d AS VARCHAR), strftime(ts, '%%Y-%%m-%%d %%H:%%M:%%S.%%f'), strftime(ts_ms, '%%Y-%%m-%%d %%H:%%M:%%S.%%f'),
                               strftime(ts_ns, '%%Y-%%m-%%d %%H:%%M:%%S.%%n'), strftime(tstz, '%%Y-%%m-%%d %%H:%%M:%%S.%%f'), CAST(u AS VARCHAR), CAST(j AS VARCHAR),
                               len(tags), cardinality(attrs), point.label, len(nested), dbl, r
                        FROM read_parquet('%s') ORDER BY id""".formatted(file))) {
                    while (resultSet.next()) {
                        duckDbRows.add(render(resultSet, 22));
                    }
                }
                List<String> trinoRows = computeActual("""
                        SELECT id, CAST(flag AS VARCHAR), tiny, small, num, CAST(dec_short AS VARCHAR), CAST(dec_long AS VARCHAR), name, to_hex(bin),
                               CAST(d AS VARCHAR), CAST(ts AS VARCHAR), CAST(ts_ms AS VARCHAR), CAST(ts_ns AS VARCHAR),
                               CAST(CAST(tstz AT TIME ZONE 'UTC' AS timestamp(6)) AS VARCHAR), CAST(u AS VARCHAR), json_format(j),
                               cardinality(tags), cardinality(attrs), point.label, cardinality(nested), dbl, r
                        FROM interop.%s WHERE "$path" = 'local:///%s' ORDER BY id""".formatted(table, part)).getMaterializedRows().stream()
                        .map(TestIcedbWriteInterop::render)
                        .toList();
                assertThat(duckDbRows).isNotEmpty().isEqualTo(trinoRows);
            }
        }
    }

    private static String render(ResultSet resultSet, int columns)
            throws SQLException
    {
        List<String> values = new ArrayList<>();
        for (int column = 1; column <= columns; column++) {
            Object value = resultSet.getObject(column);
            values.add(normalize(value));
        }
        return String.join("|", values);
    }

    private static String render(MaterializedRow row)
    {
        List<String> values = new ArrayList<>();
        for (Object value : row.getFields()) {
            values.add(normalize(value));
        }
        return String.join("|", values);
    }

    private static String normalize(Object value)
    {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof Number number && !(value instanceof Double) && !(value instanceof Float)) {
            return new BigDecimal(number.toString()).toBigInteger().toString();
        }
        if (value instanceof Float floatValue) {
            return Double.toString(floatValue.doubleValue());
        }
        return value.toString();
    }

    private static List<Path> list(Path directory)
            throws IOException
    {
        try (Stream<Path> files = Files.list(directory)) {
            return files.sorted().toList();
        }
    }
}
