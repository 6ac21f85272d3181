package io.trino.plugin.icedb.stats;

import com.fasterxml.jackson.databind.JsonNode;
import io.trino.Session;
import io.trino.execution.QueryStats;
import io.trino.operator.OperatorStats;
import io.trino.plugin.icedb.IcedbFixtures;
import io.trino.plugin.icedb.IcedbQueryRunner;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.DistributedQueryRunner;
import io.trino.testing.MaterializedRow;
import io.trino.testing.QueryRunner;
import io.trino.tpch.TpchTable;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Per-part statistics (sidecars under {@code P/_icedb/stats/}, footers for parts without one), {@code SHOW STATS},
 * plan estimates, and file skipping by min/max, on a local warehouse holding our tables and Python's fixtures.
 */
public class TestIcedbStatistics
        extends AbstractTestQueryFramework
{
    private Path root;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        Path root = Files.createTempDirectory("icedb-statistics");
        this.root = root;
        IcedbFixtures.copyBucket(IcedbFixtures.BUCKET, root);
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setLocalWarehouse(root)
                .addIcedbProperty("icedb.cleanup.min-retention", "0s")
                .setInitialTables(List.of(TpchTable.ORDERS, TpchTable.CUSTOMER, TpchTable.NATION))
                .registerResource(() -> deleteRecursively(root, ALLOW_INSECURE))
                .build();
        queryRunner.execute("CREATE SCHEMA IF NOT EXISTS icedb.s");
        for (String table : IcedbFixtures.TABLES) {
            queryRunner.execute("CALL icedb.system.register_table('fixtures', '%s', 'local:///%s')".formatted(table, table));
        }
        return queryRunner;
    }

    @Test
    public void testShowStatsAfterInserts()
    {
        assertUpdate("CREATE TABLE s.inserts (a bigint, b varchar, c double, d date, e decimal(10, 2))");
        assertUpdate("INSERT INTO s.inserts VALUES (1, 'x', 1.5, DATE '2024-01-01', 1.25), (2, NULL, NULL, DATE '2024-03-01', NULL)", 2);
        assertUpdate("INSERT INTO s.inserts VALUES (10, 'zz', -3.0, NULL, -7.5), (NULL, 'y', NULL, DATE '2023-12-31', 100.00)", 2);

        Map<String, MaterializedRow> stats = showStats("s.inserts");
        assertThat(stats.get(null).getField(4)).isEqualTo(4.0);
        assertColumn(stats, "a", 0.25, "1", "10");
        assertColumn(stats, "b", 0.25, null, null);
        assertColumn(stats, "c", 0.5, "-3.0", "1.5");
        assertColumn(stats, "d", 0.25, "2023-12-31", "2024-03-01");
        assertColumn(stats, "e", 0.25, "-7.5", "100.0");
        // a varchar column has a data size
        assertThat((double) stats.get("b").getField(1)).isGreaterThan(0);

        // the statistics came from the sidecars the inserts wrote (one per log, under _icedb, none under _log)
        // (CREATE TABLE's log adds no part: no sidecar)
        assertThat(sidecars("s/inserts")).hasSize(2);
    }

    @Test
    public void testShowStatsWithTimeTravelAndPartitionPredicate()
    {
        assertUpdate("CREATE TABLE s.travel (a bigint, p varchar) WITH (partitioning = ARRAY['p'])");
        assertUpdate("INSERT INTO s.travel VALUES (1, 'x'), (2, 'x'), (3, 'y')", 3);
        long version = (long) computeScalar("SELECT max(snapshot_id) FROM s.\"travel$snapshots\"");
        assertUpdate("INSERT INTO s.travel VALUES (100, 'y'), (NULL, 'z')", 2);

        Map<String, MaterializedRow> now = showStats("s.travel");
        assertThat(now.get(null).getField(4)).isEqualTo(5.0);
        assertColumn(now, "a", 0.2, "1", "100");

        Map<String, MaterializedRow> before = showStats("(SELECT * FROM s.travel FOR VERSION AS OF %s)".formatted(version));
        assertThat(before.get(null).getField(4)).isEqualTo(3.0);
        assertColumn(before, "a", 0.0, "1", "3");

        // the partition predicate is enforced: only partition y's parts count
        Map<String, MaterializedRow> partition = showStats("(SELECT * FROM s.travel WHERE p = 'y')");
        assertThat(partition.get(null).getField(4)).isEqualTo(2.0);
        assertColumn(partition, "a", 0.0, "3", "100");
    }

    @Test
    public void testShowStatsAfterMerge()
    {
        assertUpdate("CREATE TABLE s.merged (a bigint, b double)");
        for (int i = 0; i < 4; i++) {
            assertUpdate("INSERT INTO s.merged VALUES (%s, NULL), (%s, %s.5)".formatted(i, i * 10, i), 2);
        }
        assertThat((long) computeScalar("SELECT count(DISTINCT \"$path\") FROM s.merged")).isEqualTo(4);
        computeActual("CALL icedb.system.merge('s', 'merged')");
        assertThat((long) computeScalar("SELECT count(DISTINCT \"$path\") FROM s.merged")).isEqualTo(1);

        // the merged log's sidecar (written by the merge) gives the merged part's statistics
        Map<String, MaterializedRow> stats = showStats("s.merged");
        assertThat(stats.get(null).getField(4)).isEqualTo(8.0);
        assertColumn(stats, "a", 0.0, "0", "30");
        assertColumn(stats, "b", 0.5, "0.5", "3.5");
    }

    @Test
    public void testCleanupDeletesTheSidecarsOfTheLogsItDeletes()
            throws IOException
    {
        assertUpdate("CREATE TABLE s.cleaned (a bigint)");
        assertUpdate("INSERT INTO s.cleaned VALUES 1, 2", 2);
        assertUpdate("INSERT INTO s.cleaned VALUES 3, NULL", 2);
        assertThat(sidecars("s/cleaned")).hasSize(2);
        computeActual("CALL icedb.system.merge('s', 'cleaned')");
        // the merge wrote its log's sidecar
        assertColumn(showStats("s.cleaned"), "a", 0.25, "1", "3");
        assertThat(sidecars("s/cleaned")).hasSize(3);

        computeActual("CALL icedb.system.cleanup('s', 'cleaned', '0s')");

        // every sidecar left belongs to a log left
        List<String> logs;
        try (Stream<Path> files = Files.list(root.resolve("s/cleaned/_log"))) {
            logs = files.map(path -> path.getFileName() + ".json").toList();
        }
        assertThat(sidecars("s/cleaned").stream().map(path -> path.getFileName().toString()).toList()).isSubsetOf(logs);
        Map<String, MaterializedRow> stats = showStats("s.cleaned");
        assertThat(stats.get(null).getField(4)).isEqualTo(4.0);
        assertColumn(stats, "a", 0.25, "1", "3");
    }

    @Test
    public void testShowStatsOnPythonTables()
    {
        for (String table : IcedbFixtures.TABLES) {
            JsonNode now = IcedbFixtures.expectations(table).get("now");
            long rows = now.get("row_count").asLong();
            Map<String, MaterializedRow> stats = showStats("fixtures." + table);
            assertThat(stats.get(null).getField(4)).as("row count of %s", table).isEqualTo((double) rows);
            Iterator<Map.Entry<String, JsonNode>> columns = now.get("columns").fields();
            while (columns.hasNext()) {
                Map.Entry<String, JsonNode> column = columns.next();
                MaterializedRow row = stats.get(column.getKey());
                assertThat(row).as("statistics of %s.%s", table, column.getKey()).isNotNull();
                long nonNull = column.getValue().get("non_null").asLong();
                if (row.getField(3) != null) {
                    assertThat((double) row.getField(3)).as("nulls fraction of %s.%s", table, column.getKey())
                            .isCloseTo(rows == 0 ? 0 : 1 - (double) nonNull / rows, within(1e-9));
                }
                else {
                    assertThat(column.getValue().get("type").asText()).as("%s.%s has no null fraction", table, column.getKey()).matches(".*(STRUCT|MAP|\\[\\]).*");
                }
                if (column.getValue().get("type").asText().equals("BIGINT") && column.getValue().hasNonNull("min")) {
                    // Trino's statistics ranges are doubles
                    assertThat(Double.parseDouble((String) row.getField(5))).as("low value of %s.%s", table, column.getKey()).isEqualTo(column.getValue().get("min").asDouble());
                    assertThat(Double.parseDouble((String) row.getField(6))).as("high value of %s.%s", table, column.getKey()).isEqualTo(column.getValue().get("max").asDouble());
                }
            }
            // the footers' statistics were written back beside Python's log, never under it
            assertThat(sidecars(table)).as("sidecars of %s", table).isNotEmpty();
        }
    }

    @Test
    public void testExplainShowsEstimates()
    {
        String explain = (String) computeScalar("EXPLAIN SELECT c.name, count(*) FROM tpch.orders o JOIN tpch.customer c ON o.custkey = c.custkey JOIN tpch.nation n ON c.nationkey = n.nationkey GROUP BY c.name");
        assertThat(explain)
                .contains("rows: 15000 ")
                .contains("rows: 1500 ")
                .contains("rows: 25 ");
    }

    @Test
    public void testFileSkippingByMinMax()
    {
        assertUpdate("CREATE TABLE s.skipping (a bigint, b varchar)");
        assertUpdate("INSERT INTO s.skipping SELECT x, 'low' FROM UNNEST(sequence(1, 100)) t(x)", 100);
        assertUpdate("INSERT INTO s.skipping SELECT x, 'mid' FROM UNNEST(sequence(101, 200)) t(x)", 100);
        assertUpdate("INSERT INTO s.skipping SELECT x, NULL FROM UNNEST(sequence(201, 300)) t(x)", 100);
        assertThat(scannedSplits("SELECT count(*) FROM s.skipping")).isEqualTo(3);

        assertThat(scannedSplits("SELECT count(*) FROM s.skipping WHERE a = 150")).isEqualTo(1);
        assertThat(scannedSplits("SELECT count(*) FROM s.skipping WHERE a > 180")).isEqualTo(2);
        assertThat(scannedSplits("SELECT count(*) FROM s.skipping WHERE a BETWEEN 95 AND 105")).isEqualTo(2);
        assertThat(scannedSplits("SELECT count(*) FROM s.skipping WHERE b = 'mid'")).isEqualTo(1);
        assertThat(scannedSplits("SELECT count(*) FROM s.skipping WHERE b IS NULL")).isEqualTo(1);
        assertThat(scannedSplits("SELECT count(*) FROM s.skipping WHERE b IS NOT NULL")).isEqualTo(2);
        // results stay exact
        assertQuery("SELECT count(*), min(a), max(a) FROM s.skipping WHERE a > 180", "VALUES (120, 181, 300)");
        assertQuery("SELECT count(*) FROM s.skipping WHERE b IS NULL", "VALUES 100");
    }

    @Test
    public void testFileSkippingOnPythonTable()
    {
        // readme: a part of February 2023 and parts of June 2023 (ts in milliseconds)
        long all = scannedSplits("SELECT count(*) FROM fixtures.readme");
        assertThat(all).isGreaterThan(1);
        assertThat(scannedSplits("SELECT count(*) FROM fixtures.readme WHERE ts < 1680000000000")).isEqualTo(1);
        assertQuery("SELECT count(*) FROM fixtures.readme WHERE ts < 1680000000000", "VALUES 1");
    }

    @Test
    public void testDynamicFilteringSkipsParts()
    {
        assertUpdate("CREATE TABLE s.dynamic_fact (a bigint)");
        assertUpdate("INSERT INTO s.dynamic_fact SELECT x FROM UNNEST(sequence(1, 100)) t(x)", 100);
        assertUpdate("INSERT INTO s.dynamic_fact SELECT x FROM UNNEST(sequence(101, 200)) t(x)", 100);
        assertUpdate("INSERT INTO s.dynamic_fact SELECT x FROM UNNEST(sequence(201, 300)) t(x)", 100);
        assertUpdate("CREATE TABLE s.dynamic_dim (a bigint, name varchar)");
        assertUpdate("INSERT INTO s.dynamic_dim VALUES (150, 'one'), (5000, 'other')", 2);
        String sql = "SELECT count(*) FROM s.dynamic_fact f JOIN s.dynamic_dim d ON f.a = d.a WHERE d.name = 'one'";
        Session withoutDynamicFiltering = Session.builder(getSession())
                .setSystemProperty("enable_dynamic_filtering", "false")
                .build();
        // the split source waits for the build side's filter (bounded by the session property), which keeps one fact part
        Session waiting = Session.builder(getSession())
                .setCatalogSessionProperty("icedb", "dynamic_filtering_wait_timeout", "1h")
                .build();

        // three fact parts and the dimension's part
        assertThat(scannedSplits(withoutDynamicFiltering, sql)).isEqualTo(4);
        assertThat(scannedSplits(waiting, sql)).isEqualTo(2);
        assertQuery(waiting, sql, "VALUES 1");
        assertQuery(withoutDynamicFiltering, sql, "VALUES 1");
    }

    private Map<String, MaterializedRow> showStats(String table)
    {
        Map<String, MaterializedRow> rows = new HashMap<>();
        for (MaterializedRow row : computeActual("SHOW STATS FOR " + table).getMaterializedRows()) {
            rows.put((String) row.getField(0), row);
        }
        return rows;
    }

    private static void assertColumn(Map<String, MaterializedRow> stats, String column, double nullsFraction, String low, String high)
    {
        MaterializedRow row = stats.get(column);
        assertThat(row).as("statistics of column %s", column).isNotNull();
        assertThat((double) row.getField(3)).as("nulls fraction of %s", column).isCloseTo(nullsFraction, within(1e-9));
        assertThat(row.getField(5)).as("low value of %s", column).isEqualTo(low);
        assertThat(row.getField(6)).as("high value of %s", column).isEqualTo(high);
    }

    private List<Path> sidecars(String tablePath)
    {
        Path directory = root.resolve(tablePath).resolve("_icedb/stats");
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        }
        catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private long scannedSplits(String sql)
    {
        return scannedSplits(getSession(), sql);
    }

    private long scannedSplits(Session session, String sql)
    {
        DistributedQueryRunner queryRunner = getDistributedQueryRunner();
        QueryRunner.MaterializedResultWithPlan result = queryRunner.executeWithPlan(session, sql);
        QueryStats stats = queryRunner.getCoordinator().getQueryManager().getFullQueryInfo(result.queryId()).getQueryStats();
        return stats.getOperatorSummaries().stream()
                .filter(operator -> operator.getOperatorType().contains("Scan"))
                .mapToLong(OperatorStats::getTotalDrivers)
                .sum();
    }
}
