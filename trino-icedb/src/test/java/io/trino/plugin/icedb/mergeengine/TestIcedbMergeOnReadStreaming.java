package io.trino.plugin.icedb.mergeengine;

import com.google.common.collect.ImmutableMap;
import io.icedb.engine.spec.FileMarker;
import io.trino.Session;
import io.trino.plugin.icedb.IcedbQueryRunner;
import io.trino.plugin.icedb.TestingLocalTables;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static java.lang.String.format;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Merge on read as a streaming k-way merge: our parts are written sorted by the key and say so in their Parquet footer
 * ({@code icedb.sorted_by}); parts Python IceDB inserts (written by DuckDB, rows in any order, no footer entry) are
 * sorted before the merge, and answers stay exact with and without a merge. Memory follows the parts, not the
 * partition: a query over a partition whose rows far exceed the per-node memory limit succeeds.
 */
public class TestIcedbMergeOnReadStreaming
        extends AbstractTestQueryFramework
{
    private static final String SCHEMA = "ms";

    private Path root;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        root = Files.createTempDirectory("icedb-merge-streaming");
        Path directory = root;
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setLocalWarehouse(root)
                .registerResource(() -> deleteRecursively(directory, ALLOW_INSECURE))
                .build();
        queryRunner.execute("CREATE SCHEMA icedb." + SCHEMA);
        return queryRunner;
    }

    private Session rawSession()
    {
        return Session.builder(getSession()).setCatalogSessionProperty("icedb", "merge_on_read_enabled", "false").build();
    }

    @Test
    public void testPythonInsertedUnsortedParts()
            throws Exception
    {
        Map<String, String> schema = ImmutableMap.of("k", "BIGINT", "v", "BIGINT", "note", "VARCHAR");
        assertUpdate("CREATE TABLE ms.py (k bigint, v bigint, note varchar) WITH (primary_key = ARRAY['k'], merge_engine = 'deduplicate')");
        assertUpdate("INSERT INTO ms.py VALUES (5, 1, 'trino-5'), (1, 1, 'trino-1'), (2, 1, 'trino-2')", 3);
        // our part is sorted by the key and its footer says so
        String trinoPart = onlyPart("py");
        assertThat(duckDb("SELECT k FROM read_parquet('%s')".formatted(trinoPart))).containsExactly("1", "2", "5");
        assertThat(sortedByFooter(trinoPart)).containsExactly("k");

        // Python inserts a part as its rows come: not sorted, key 1 twice (the later row of the part is the newer one)
        FileMarker python = pythonInsert("py", "", "SELECT k::BIGINT AS k, v::BIGINT AS v, note FROM (VALUES (5, 2, 'py-5'), (1, 2, 'py-1a'), (3, 2, 'py-3'), (1, 3, 'py-1b'), (4, 2, 'py-4')) t(k, v, note)", schema);
        String pythonPart = root.resolve(python.path()).toString();
        assertThat(duckDb("SELECT k FROM read_parquet('%s')".formatted(pythonPart))).containsExactly("5", "1", "3", "1", "4");
        assertThat(sortedByFooter(pythonPart)).isEmpty();
        assertUpdate("INSERT INTO ms.py VALUES (3, 9, 'trino-3')", 1);

        String expected = "VALUES (BIGINT '1', BIGINT '3', VARCHAR 'py-1b'), (2, 1, 'trino-2'), (3, 9, 'trino-3'), (4, 2, 'py-4'), (5, 2, 'py-5')";
        assertThat(query("SELECT k, v, note FROM ms.py")).matches(expected);
        assertThat(query("SELECT note FROM ms.py WHERE k = 1")).matches("VALUES VARCHAR 'py-1b'");
        assertThat(query("SELECT note FROM ms.py WHERE k BETWEEN 3 AND 4")).matches("VALUES VARCHAR 'trino-3', 'py-4'");
        assertThat(query("SELECT count(*) FROM ms.py WHERE v = 2")).matches("VALUES BIGINT '2'");
        assertThat(query(rawSession(), "SELECT count(*) FROM ms.py")).matches("VALUES BIGINT '9'");

        // a merge combines the same way: one part, sorted, one row per key
        assertUpdate("CALL icedb.system.merge('ms', 'py')");
        assertThat(query(rawSession(), "SELECT k, v, note FROM ms.py")).matches(expected);
        assertThat(query("SELECT k, v, note FROM ms.py")).matches(expected);
        String merged = onlyPart("py");
        assertThat(duckDb("SELECT k FROM read_parquet('%s')".formatted(merged))).containsExactly("1", "2", "3", "4", "5");
        assertThat(sortedByFooter(merged)).containsExactly("k");

        // Python inserts after the merge; then a distributed merge
        pythonInsert("py", "", "SELECT k::BIGINT AS k, v::BIGINT AS v, note FROM (VALUES (2, 7, 'py-2a'), (0, 7, 'py-0'), (2, 8, 'py-2b')) t(k, v, note)", schema);
        String afterPython = "VALUES (BIGINT '0', BIGINT '7', VARCHAR 'py-0'), (1, 3, 'py-1b'), (2, 8, 'py-2b'), (3, 9, 'trino-3'), (4, 2, 'py-4'), (5, 2, 'py-5')";
        assertThat(query("SELECT k, v, note FROM ms.py")).matches(afterPython);
        assertThat(query(rawSession(), "SELECT count(*) FROM ms.py")).matches("VALUES BIGINT '8'");
        assertUpdate("ALTER TABLE ms.py EXECUTE merge");
        assertThat(query(rawSession(), "SELECT k, v, note FROM ms.py")).matches(afterPython);
        for (String part : parts("py")) {
            assertThat(sortedByFooter(part)).containsExactly("k");
        }
        // a row-level change re-reads the same merge
        assertUpdate("DELETE FROM ms.py WHERE k = 2", 1);
        assertThat(query("SELECT k FROM ms.py")).matches("VALUES BIGINT '0', 1, 3, 4, 5");
    }

    @Test
    public void testPythonInsertIntoAggregatePartition()
    {
        Map<String, String> schema = ImmutableMap.of("k", "BIGINT", "region", "VARCHAR", "cnt", "BIGINT", "note", "VARCHAR");
        assertUpdate("CREATE TABLE ms.pyagg (k bigint, region varchar, cnt bigint, note varchar) " +
                "WITH (partitioning = ARRAY['region'], primary_key = ARRAY['region', 'k'], merge_engine = 'aggregate', aggregates = ARRAY['sum(cnt)'])");
        assertUpdate("INSERT INTO ms.pyagg VALUES (1, 'eu', 1, 'a'), (2, 'eu', 2, 'b'), (1, 'us', 5, 'c'), (3, 'eu', 3, 'd')", 4);
        pythonInsert("pyagg", "region=eu", "SELECT k::BIGINT AS k, region, cnt::BIGINT AS cnt, note FROM (VALUES (3, 'eu', 30, 'p3'), (2, 'eu', 10, 'p2a'), (1, 'eu', 100, 'p1'), (2, 'eu', 1000, 'p2b')) t(k, region, cnt, note)", schema);
        assertUpdate("INSERT INTO ms.pyagg VALUES (3, 'eu', 300, 'e')", 1);
        String expected = "VALUES (BIGINT '1', VARCHAR 'eu', BIGINT '101', VARCHAR 'p1'), (2, 'eu', 1012, 'p2b'), (3, 'eu', 333, 'e'), (1, 'us', 5, 'c')";
        assertThat(query("SELECT k, region, cnt, note FROM ms.pyagg")).matches(expected);
        assertThat(query("SELECT cnt FROM ms.pyagg WHERE region = 'eu' AND k = 2")).matches("VALUES BIGINT '1012'");
        assertUpdate("CALL icedb.system.merge('ms', 'pyagg')");
        assertThat(query(rawSession(), "SELECT k, region, cnt, note FROM ms.pyagg")).matches(expected);
        assertThat(query("SELECT k, region, cnt, note FROM ms.pyagg")).matches(expected);
    }

    @Test
    public void testPartWhoseFooterClaimsAnOrderItDoesNotHave()
            throws Exception
    {
        assertUpdate("CREATE TABLE ms.liar (k bigint, note varchar) WITH (primary_key = ARRAY['k'], merge_engine = 'first_row')");
        assertUpdate("INSERT INTO ms.liar VALUES (1, 'a'), (2, 'b')", 2);
        String key = "ms/liar/_data/" + UUID.randomUUID() + ".parquet";
        Path file = root.resolve(key);
        Files.createDirectories(file.getParent());
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement()) {
            statement.execute("COPY (SELECT k::BIGINT AS k, note FROM (VALUES (3, 'x'), (1, 'y'), (2, 'z')) t(k, note)) TO '%s' (FORMAT PARQUET, KV_METADATA {'icedb.sorted_by': 'k'})".formatted(file));
        }
        assertThat(sortedByFooter(file.toString())).containsExactly("k");
        long millis = nextMillis();
        TestingLocalTables.writeLog(root, "ms/liar", millis, ImmutableMap.of("k", "BIGINT", "note", "VARCHAR"), List.of(FileMarker.alive(key, Files.size(file), millis)));
        nextMillis();
        // never a wrong answer: the merge notices the order is not the one the footer claims
        assertQueryFails("SELECT k, note FROM ms.liar", "Part .*/ms/liar/_data/.*\\.parquet is not sorted by \\[k\\] as its Parquet footer says \\(icedb\\.sorted_by\\).*");
        assertThat(query(rawSession(), "SELECT count(*) FROM ms.liar")).matches("VALUES BIGINT '5'");
    }

    @Test
    public void testMemoryIsBoundedByPartsNotByPartition()
    {
        assertUpdate("CREATE TABLE ms.big (k bigint, v bigint, payload varchar) WITH (primary_key = ARRAY['k'], merge_engine = 'deduplicate', version_column = 'v')");
        // 200,000 keys, each inserted twice: 400,000 rows of 120-character payloads in one partition
        String rows = "SELECT a * 1000 + b, BIGINT '%s', lpad(CAST(a * 1000 + b AS varchar), 120, '%s') FROM UNNEST(sequence(1, 200)) t(a) CROSS JOIN UNNEST(sequence(1, 1000)) u(b)";
        assertUpdate("INSERT INTO ms.big " + format(rows, 1, "x"), 200_000);
        assertUpdate("INSERT INTO ms.big " + format(rows, 2, "y"), 200_000);
        // the partition's payloads alone (48 MB) exceed the limit below: a merge holding the partition cannot stay under it
        assertThat(query(rawSession(), "SELECT count(*), sum(length(payload)) FROM ms.big")).matches("VALUES (BIGINT '400000', BIGINT '48000000')");
        // several parts (each insert writes one per writer), merged page by page
        assertThat((long) computeScalar("SELECT count(*) FROM ms.\"big$files\"")).isGreaterThanOrEqualTo(2);
        Session limited = Session.builder(getSession())
                .setSystemProperty("query_max_memory_per_node", "40MB")
                .build();
        assertThat(query(limited, "SELECT count(*), sum(v), count_if(payload LIKE 'y%') FROM ms.big"))
                .matches("VALUES (BIGINT '200000', BIGINT '400000', BIGINT '200000')");
        assertThat(query(limited, "SELECT payload FROM ms.big WHERE k = 2000")).matches("VALUES CAST(lpad('2000', 120, 'y') AS varchar)");
    }

    private FileMarker pythonInsert(String table, String partition, String duckDbQuery, Map<String, String> schema)
    {
        FileMarker part = TestingLocalTables.writePart(root, SCHEMA + "/" + table, partition, duckDbQuery, 100_000);
        long millis = nextMillis();
        TestingLocalTables.writeLog(root, SCHEMA + "/" + table, millis, schema, List.of(FileMarker.alive(part.path(), part.bytes(), millis)));
        // the next statement's log is stamped later, and reads see this log
        nextMillis();
        return part;
    }

    /**
     * A millisecond after every log stamped so far.
     */
    private static long nextMillis()
    {
        long now = System.currentTimeMillis();
        while (System.currentTimeMillis() <= now) {
            Thread.onSpinWait();
        }
        return System.currentTimeMillis();
    }

    private String onlyPart(String table)
    {
        List<String> paths = parts(table);
        assertThat(paths).hasSize(1);
        return paths.getFirst();
    }

    private List<String> parts(String table)
    {
        return computeActual("SELECT path FROM ms.\"" + table + "$files\"").getOnlyColumn()
                .map(String.class::cast)
                .map(path -> root.resolve(path.substring("local:///".length())).toString())
                .toList();
    }

    private static List<String> sortedByFooter(String file)
            throws SQLException
    {
        List<String> values = duckDb("SELECT decode(value) FROM parquet_kv_metadata('%s') WHERE decode(key) = 'icedb.sorted_by'".formatted(file));
        return values.stream().flatMap(value -> List.of(value.split(",")).stream()).toList();
    }

    private static List<String> duckDb(String query)
            throws SQLException
    {
        List<String> values = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery(query)) {
            while (resultSet.next()) {
                values.add(resultSet.getString(1));
            }
        }
        return values;
    }
}
