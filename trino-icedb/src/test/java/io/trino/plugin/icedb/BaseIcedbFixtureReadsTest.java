package io.trino.plugin.icedb;

import com.fasterxml.jackson.databind.JsonNode;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.MaterializedResult;
import io.trino.testing.MaterializedRow;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every table the Python IceDB library wrote reads exactly as its expectations say, now and as of every point of
 * its history. Subclasses put the fixture buckets on a storage and register the tables in schema {@code fixtures}.
 */
public abstract class BaseIcedbFixtureReadsTest
        extends AbstractTestQueryFramework
{
    private static final DateTimeFormatter TIME_TRAVEL_LITERAL = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    /**
     * {@code icedb.warehouse}-relative location of the fixture table {@code table} in the fixture bucket.
     */
    protected abstract String fixtureTableLocation(String bucket, String table);

    protected static void registerFixtures(QueryRunner queryRunner, Map<String, String> tableLocations)
    {
        tableLocations.forEach((name, location) ->
                queryRunner.execute("CALL icedb.system.register_table('fixtures', '%s', '%s')".formatted(name, location)));
    }

    static List<String> tables()
    {
        return IcedbFixtures.TABLES;
    }

    @ParameterizedTest
    @MethodSource("tables")
    public void testReadsLikePython(String table)
    {
        JsonNode expectations = IcedbFixtures.expectations(table);
        assertState(table, table, expectations.get("now"), expectations, "");
    }

    @ParameterizedTest
    @MethodSource("tables")
    public void testTimeTravelToEveryPoint(String table)
    {
        JsonNode expectations = IcedbFixtures.expectations(table);
        for (JsonNode point : expectations.get("points")) {
            assertState(table, table, point.get("final"), expectations, timeTravel(point.get("t_ms").asLong()));
        }
    }

    @Test
    public void testPerColumnStatistics()
    {
        for (String table : IcedbFixtures.TABLES) {
            JsonNode now = IcedbFixtures.expectations(table).get("now");
            Iterator<Map.Entry<String, JsonNode>> columns = now.get("columns").fields();
            while (columns.hasNext()) {
                Map.Entry<String, JsonNode> column = columns.next();
                String type = column.getValue().get("type").asText();
                long nonNull = (long) computeScalar("SELECT count(%s) FROM %s".formatted(quoted(column.getKey()), table));
                assertThat(nonNull).as("non-null values of %s.%s", table, column.getKey()).isEqualTo(column.getValue().get("non_null").asLong());
                if ((type.equals("VARCHAR") || type.equals("BIGINT")) && column.getValue().hasNonNull("min")) {
                    MaterializedRow minMax = computeActual("SELECT CAST(min(%1$s) AS varchar), CAST(max(%1$s) AS varchar) FROM %2$s".formatted(quoted(column.getKey()), table))
                            .getMaterializedRows().getFirst();
                    assertThat(minMax.getField(0)).as("min of %s.%s", table, column.getKey()).isEqualTo(column.getValue().get("min").asText());
                    assertThat(minMax.getField(1)).as("max of %s.%s", table, column.getKey()).isEqualTo(column.getValue().get("max").asText());
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("tables")
    public void testMetadataTables(String table)
    {
        JsonNode now = IcedbFixtures.expectations(table).get("now");
        List<String> expectedFiles = new ArrayList<>();
        now.get("alive_files").forEach(file -> expectedFiles.add(fixtureTableLocation(IcedbFixtures.BUCKET, file.asText())));
        assertThat(computeActual("SELECT path FROM \"%s$files\"".formatted(table)).getOnlyColumnAsSet())
                .containsExactlyInAnyOrderElementsOf(expectedFiles);
        assertThat(computeActual("SELECT count(*) FROM \"%s$files\" WHERE added_by_log LIKE '%s/_log/%%.jsonl' AND file_size_in_bytes > 0 AND created IS NOT NULL".formatted(table, table)).getOnlyValue())
                .isEqualTo((long) expectedFiles.size());

        Map<String, Long> partitions = new LinkedHashMap<>();
        for (MaterializedRow row : computeActual("SELECT partition, parts FROM \"%s$partitions\"".formatted(table)).getMaterializedRows()) {
            partitions.put((String) row.getField(0), (Long) row.getField(1));
        }
        Map<String, Long> expectedPartitions = new LinkedHashMap<>();
        now.get("alive_partitions").fields().forEachRemaining(entry -> expectedPartitions.put(entry.getKey(), entry.getValue().asLong()));
        assertThat(partitions).isEqualTo(expectedPartitions);

        List<String> expectedLogs = new ArrayList<>();
        now.get("log_files").forEach(file -> expectedLogs.add(file.asText()));
        assertThat(computeActual("SELECT file FROM \"%s$log\"".formatted(table)).getOnlyColumnAsSet())
                .containsExactlyInAnyOrderElementsOf(expectedLogs);
        assertThat(computeActual("SELECT count(*) FROM \"%s$log\" WHERE merged".formatted(table)).getOnlyValue())
                .isEqualTo(now.get("log_file_kinds").get("merge").asLong());
        // every log line of a marker counts, also a marker a later log repeats
        assertThat((long) computeActual("SELECT sum(file_markers) FROM \"%s$log\"".formatted(table)).getOnlyValue())
                .isGreaterThanOrEqualTo(now.get("file_markers").asLong());
        // replaying what each log added and removed ends at the alive parts
        assertThat(computeActual("SELECT sum(added_parts) - sum(removed_parts), sum(added_bytes) - sum(removed_bytes) FROM \"%s$log\"".formatted(table)).getMaterializedRows().getFirst().getFields())
                .isEqualTo(computeActual("SELECT count(*), coalesce(sum(file_size_in_bytes), 0) FROM \"%s$files\"".formatted(table)).getMaterializedRows().getFirst().getFields());
    }

    @Test
    public void testStructFieldsArePushedIntoTheScan()
    {
        assertThat(query("SELECT st.page_name, st.n, dl.ys FROM types"))
                .matches("VALUES (CAST(NULL AS varchar), BIGINT '2', CAST(ARRAY[] AS array(varchar))), (NULL, NULL, NULL), ('ünï', NULL, ARRAY[VARCHAR 'z']), ('Home', 1, ARRAY[VARCHAR 'a', 'b'])");
        assertThat(query("SELECT props.tag FROM many_inserts_merge_cleanup WHERE props.ins = 10"))
                .matches("VALUES VARCHAR 't2', VARCHAR 't3'");
        assertThat((String) computeActual("EXPLAIN SELECT props.tag FROM many_inserts_merge_cleanup WHERE props.ins = 10").getOnlyValue())
                .contains("props#tag")
                .contains("props#ins")
                .doesNotContain("props:row");
        assertThat(query("SELECT properties.page_name, properties FROM readme WHERE ts = 1676126229999"))
                .matches("VALUES (VARCHAR 'Home', CAST(ROW('Home') AS ROW(page_name varchar)))");
    }

    @Test
    public void testPartitionKeysAreColumns()
    {
        // d is a Hive key of the part paths and no column of the log schema; cust is both and stays the schema's column
        assertThat(query("SELECT d, count(*) FROM many_inserts_merge_cleanup GROUP BY d"))
                .matches("VALUES (VARCHAR '2023-06-01', BIGINT '55'), ('2023-06-02', 43), ('2023-06-03', 33), ('2023-06-04', 23), ('2023-06-05', 13)");
        assertThat(query("SELECT count(*) FROM many_inserts_merge_cleanup WHERE d = '2023-06-03' AND cust = 'c2'"))
                .matches("VALUES BIGINT '33'");
        assertThat(query("SELECT DISTINCT \"$partition\" FROM readme"))
                .matches("VALUES VARCHAR 'u=user_a/d=2023-06-07', 'u=user_b/d=2023-02-11'");
    }

    protected void assertState(String table, String sqlTable, JsonNode state, JsonNode expectations, String timeTravel)
    {
        String description = "%s %s".formatted(table, timeTravel);
        if (state.hasNonNull("error")) {
            assertThatThrownBy(() -> computeActual("SELECT count(*) FROM %s %s".formatted(sqlTable, timeTravel)))
                    .as(description)
                    .hasMessageContaining("No version history table");
            return;
        }
        Map<String, String> schema = new LinkedHashMap<>();
        state.get("schema").fields().forEachRemaining(entry -> schema.put(entry.getKey(), entry.getValue().asText()));
        String columns = schema.keySet().stream().map(BaseIcedbFixtureReadsTest::quoted).collect(Collectors.joining(", "));
        MaterializedResult result = computeActual("SELECT %s FROM %s %s".formatted(columns, sqlTable, timeTravel));
        List<List<Object>> rows = new ArrayList<>();
        for (MaterializedRow row : result.getMaterializedRows()) {
            rows.add(row.getFields());
        }
        List<String> formatted = ExpectedRowFormat.formatRows(schema, rows);
        assertThat(formatted.size()).as("row count of %s", description).isEqualTo(state.get("row_count").asInt());
        List<String> expectedRows = expectedRows(state, expectations);
        if (!expectedRows.isEmpty() || state.get("row_count").asInt() == 0) {
            assertThat(formatted).as("rows of %s", description).containsExactlyElementsOf(expectedRows);
        }
        assertThat(ExpectedRowFormat.sha256(formatted)).as("rows_sha256 of %s", description).isEqualTo(state.get("rows_sha256").asText());
    }

    private static List<String> expectedRows(JsonNode state, JsonNode expectations)
    {
        JsonNode rows = state.get("rows");
        if (rows == null) {
            return List.of();
        }
        if (rows.isTextual()) {
            rows = expectations.get("row_sets").get(state.get("rows_sha256").asText());
        }
        List<String> expected = new ArrayList<>();
        rows.forEach(row -> expected.add(row.asText()));
        return expected;
    }

    protected static String timeTravel(long epochMillis)
    {
        return "FOR TIMESTAMP AS OF TIMESTAMP '%s UTC'".formatted(TIME_TRAVEL_LITERAL.format(Instant.ofEpochMilli(epochMillis)));
    }

    protected static String quoted(String name)
    {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
