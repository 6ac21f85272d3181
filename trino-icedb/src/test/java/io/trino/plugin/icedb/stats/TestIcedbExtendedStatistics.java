package io.trino.plugin.icedb.stats;

import io.trino.Session;
import io.trino.plugin.icedb.IcedbFixtures;
import io.trino.plugin.icedb.IcedbQueryRunner;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.MaterializedRow;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code ANALYZE}: distinct-value sketches under {@code P/_icedb/sketches/}, extended by inserts, respecting the pinned
 * snapshot, on our tables and Python's fixtures; and the statistics sidecars of merged logs.
 */
public class TestIcedbExtendedStatistics
        extends AbstractTestQueryFramework
{
    // a HyperLogLog of 4096 buckets has a standard error of 1.6%: 5% is three of them
    private static final double HLL_ERROR = 0.05;

    private Path root;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        Path root = Files.createTempDirectory("icedb-analyze");
        this.root = root;
        IcedbFixtures.copyBucket(IcedbFixtures.BUCKET, root);
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setLocalWarehouse(root)
                .addIcedbProperty("icedb.cleanup.min-retention", "0s")
                .registerResource(() -> deleteRecursively(root, ALLOW_INSECURE))
                .build();
        queryRunner.execute("CREATE SCHEMA IF NOT EXISTS icedb.s");
        for (String table : IcedbFixtures.TABLES) {
            queryRunner.execute("CALL icedb.system.register_table('fixtures', '%s', 'local:///%s')".formatted(table, table));
        }
        return queryRunner;
    }

    @Test
    public void testAnalyze()
            throws IOException
    {
        assertUpdate("CREATE TABLE s.analyzed (a bigint, b bigint, c varchar, d double, e row(x bigint))");
        assertUpdate(noCollection(), "INSERT INTO s.analyzed SELECT x, x % 100, 'v' || CAST(x % 37 AS varchar), IF(x % 2 = 0, NULL, x / 7.0), ROW(x) FROM UNNEST(sequence(1, 10000)) t(x)", 10000);
        assertUpdate(noCollection(), "INSERT INTO s.analyzed VALUES (NULL, 5, 'v1', 1.0, NULL)", 1);
        Map<String, MaterializedRow> before = showStats("s.analyzed");
        assertThat(before.get("a").getField(2)).as("no distinct count before ANALYZE").isNull();
        List<Path> logs = files("s/analyzed/_log");

        assertUpdate("ANALYZE s.analyzed");

        Map<String, MaterializedRow> stats = showStats("s.analyzed");
        assertDistinct(stats, "a", 10000);
        assertDistinct(stats, "b", 100);
        assertDistinct(stats, "c", 37);
        assertDistinct(stats, "d", 5000);
        // row types get no sketch
        assertThat(stats.get("e").getField(2)).isNull();
        // the rest of the statistics stay exact
        assertThat(stats.get(null).getField(4)).isEqualTo(10001.0);
        assertThat((double) stats.get("d").getField(3)).isCloseTo(5000.0 / 10001, within(1e-9));
        // one sketch object beside the log, nothing under it
        assertThat(files("s/analyzed/_icedb/sketches")).hasSize(1);
        assertThat(files("s/analyzed/_log")).isEqualTo(logs);
    }

    @Test
    public void testAnalyzeColumns()
    {
        assertUpdate("CREATE TABLE s.some_columns (a bigint, b varchar, c array(bigint))");
        assertUpdate(noCollection(), "INSERT INTO s.some_columns SELECT x, CAST(x % 10 AS varchar), ARRAY[x] FROM UNNEST(sequence(1, 1000)) t(x)", 1000);
        assertUpdate("ANALYZE s.some_columns WITH (columns = ARRAY['b'])");
        Map<String, MaterializedRow> stats = showStats("s.some_columns");
        assertThat(stats.get("a").getField(2)).isNull();
        assertDistinct(stats, "b", 10);

        // a later ANALYZE of other columns keeps the sketches of the columns it did not analyze
        assertUpdate("ANALYZE s.some_columns WITH (columns = ARRAY['a'])");
        stats = showStats("s.some_columns");
        assertDistinct(stats, "a", 1000);
        assertDistinct(stats, "b", 10);

        assertQueryFails("ANALYZE s.some_columns WITH (columns = ARRAY['a', 'nope'])", "\\QInvalid columns specified for analysis: [nope]\\E");
        assertQueryFails("ANALYZE s.some_columns WITH (columns = ARRAY['c'])", "\\QInvalid columns specified for analysis: [c]\\E");
        assertQueryFails("ANALYZE s.some_columns WITH (columns = ARRAY[])", "Cannot specify empty list of columns for analysis");
        assertQueryFails(
                Session.builder(getSession()).setCatalogSessionProperty("icedb", "extended_statistics_enabled", "false").build(),
                "ANALYZE s.some_columns",
                "\\QAnalyze is not enabled. You can enable analyze using icedb.extended-statistics.enabled config or extended_statistics_enabled catalog session property\\E");
        // and with the property off, SHOW STATS has no distinct counts
        assertThat(computeActual(
                Session.builder(getSession()).setCatalogSessionProperty("icedb", "extended_statistics_enabled", "false").build(),
                "SHOW STATS FOR s.some_columns").getMaterializedRows().stream()
                .filter(row -> "b".equals(row.getField(0)))
                .findFirst().orElseThrow().getField(2)).isNull();
    }

    @Test
    public void testInsertExtendsTheSketches()
            throws IOException
    {
        assertUpdate("CREATE TABLE s.extended (a bigint, b bigint)");
        assertUpdate(noCollection(), "INSERT INTO s.extended SELECT x, x % 10 FROM UNNEST(sequence(1, 5000)) t(x)", 5000);
        assertUpdate("ANALYZE s.extended");
        assertDistinct(showStats("s.extended"), "a", 5000);

        // new values of a, the same values of b
        assertUpdate("INSERT INTO s.extended SELECT x, x % 10 FROM UNNEST(sequence(5001, 15000)) t(x)", 10000);
        Map<String, MaterializedRow> stats = showStats("s.extended");
        assertDistinct(stats, "a", 15000);
        assertDistinct(stats, "b", 10);
        assertThat(files("s/extended/_icedb/sketches")).hasSize(2);

        // without collection, an insert leaves the sketches as they were (an estimate of the older rows)
        assertUpdate(noCollection(), "INSERT INTO s.extended SELECT x, x FROM UNNEST(sequence(15001, 16000)) t(x)", 1000);
        assertDistinct(showStats("s.extended"), "a", 15000);
        assertThat(files("s/extended/_icedb/sketches")).hasSize(2);
    }

    @Test
    public void testCreateTableAsCollectsDistinctCounts()
    {
        assertUpdate("CREATE TABLE s.ctas_orders AS SELECT * FROM tpch.tiny.orders", 15000);
        assertUpdate("CREATE TABLE s.ctas_customer AS SELECT * FROM tpch.tiny.customer", 1500);
        Map<String, MaterializedRow> orders = showStats("s.ctas_orders");
        assertDistinct(orders, "orderkey", 15000);
        assertDistinct(orders, "custkey", (long) computeScalar("SELECT count(DISTINCT custkey) FROM tpch.tiny.orders"));
        assertDistinct(orders, "orderstatus", 3);
        assertDistinct(showStats("s.ctas_customer"), "custkey", 1500);

        // the join's estimate comes from the distinct counts: 15000 * 1500 / max(ndv(o.custkey), ndv(c.custkey)) = 15000
        String explain = (String) computeScalar("EXPLAIN SELECT * FROM s.ctas_orders o JOIN s.ctas_customer c ON o.custkey = c.custkey");
        double joinRows = joinEstimate(explain);
        assertThat(joinRows).isCloseTo(15000, within(15000 * HLL_ERROR));

        // without distinct counts the optimizer has no estimate for the join
        Session disabled = Session.builder(getSession()).setCatalogSessionProperty("icedb", "extended_statistics_enabled", "false").build();
        String blind = (String) computeScalar(disabled, "EXPLAIN SELECT * FROM s.ctas_orders o JOIN s.ctas_customer c ON o.custkey = c.custkey");
        assertThat(joinEstimateText(blind)).contains("rows: ?");
    }

    @Test
    public void testDropExtendedStats()
            throws IOException
    {
        assertUpdate("CREATE TABLE s.dropped AS SELECT x AS a FROM UNNEST(sequence(1, 500)) t(x)", 500);
        assertDistinct(showStats("s.dropped"), "a", 500);
        assertUpdate("ANALYZE s.dropped");
        assertThat(files("s/dropped/_icedb/sketches")).hasSize(2);

        assertUpdate("ALTER TABLE s.dropped EXECUTE drop_extended_stats");
        assertThat(files("s/dropped/_icedb/sketches")).isEmpty();
        Map<String, MaterializedRow> stats = showStats("s.dropped");
        assertThat(stats.get("a").getField(2)).isNull();
        // the rest stays
        assertThat(stats.get(null).getField(4)).isEqualTo(500.0);
        assertThat(stats.get("a").getField(6)).isEqualTo("500");
        // and an insert into a table with rows and no sketches starts none (a partial count would mislead)
        assertUpdate("INSERT INTO s.dropped VALUES 501", 1);
        assertThat(files("s/dropped/_icedb/sketches")).isEmpty();
    }

    @Test
    public void testTimeTravelIgnoresANewerSketch()
    {
        assertUpdate("CREATE TABLE s.travel (a bigint)");
        assertUpdate(noCollection(), "INSERT INTO s.travel SELECT x FROM UNNEST(sequence(1, 1000)) t(x)", 1000);
        long first = (long) computeScalar("SELECT max(snapshot_id) FROM s.\"travel$snapshots\"");
        assertUpdate(noCollection(), "INSERT INTO s.travel SELECT x FROM UNNEST(sequence(1001, 3000)) t(x)", 2000);
        assertUpdate("ANALYZE s.travel");
        long analyzed = (long) computeScalar("SELECT max(snapshot_id) FROM s.\"travel$snapshots\"");
        assertUpdate(noCollection(), "INSERT INTO s.travel SELECT x FROM UNNEST(sequence(3001, 4000)) t(x)", 1000);

        // the snapshot before ANALYZE has no sketch of its own or older
        assertThat(showStats("(SELECT * FROM s.travel FOR VERSION AS OF %s)".formatted(first)).get("a").getField(2)).isNull();
        // the snapshot ANALYZE read, and later ones, use its sketch
        assertDistinct(showStats("(SELECT * FROM s.travel FOR VERSION AS OF %s)".formatted(analyzed)), "a", 3000);
        assertDistinct(showStats("s.travel"), "a", 3000);
    }

    /**
     * Cleanup deletes the sketch objects no snapshot inside its retention window selects any more: it keeps the one the
     * window's oldest snapshot selects (even when the log it is tied to was folded away) and every newer one.
     */
    @Test
    public void testCleanupDeletesTheSketchesNoSnapshotInsideTheWindowSelects()
            throws Exception
    {
        assertUpdate("CREATE TABLE s.cleaned (a bigint)");
        assertUpdate(noCollection(), "INSERT INTO s.cleaned SELECT x FROM UNNEST(sequence(1, 1000)) t(x)", 1000);
        assertUpdate("ANALYZE s.cleaned");
        assertUpdate("INSERT INTO s.cleaned SELECT x FROM UNNEST(sequence(1001, 3000)) t(x)", 2000);
        assertUpdate("ANALYZE s.cleaned");
        long analyzed = (long) computeScalar("SELECT max(snapshot_id) FROM s.\"cleaned$snapshots\"");
        // the last insert comes well after the others, so that the retention window can start between them
        Thread.sleep(4_000);
        assertUpdate("INSERT INTO s.cleaned SELECT x FROM UNNEST(sequence(3001, 4000)) t(x)", 1000);
        long last = (long) computeScalar("SELECT max(snapshot_id) FROM s.\"cleaned$snapshots\"");
        String lastLog = fileName((String) computeScalar("SELECT file FROM s.\"cleaned$log\" ORDER BY \"timestamp\" DESC LIMIT 1"));
        // in the order a snapshot ranks them: the first ANALYZE's, the second insert's, the second ANALYZE's (the same
        // log, written later), the last insert's
        List<Path> sketches = files("s/cleaned/_icedb/sketches");
        assertThat(sketches).hasSize(4);

        // the window starts halfway between the second ANALYZE's snapshot and the last insert (plus however long the call
        // takes to start): the second ANALYZE's sketch is the one the window's oldest snapshot selects
        long retentionMillis = System.currentTimeMillis() - (analyzed + last) / 2;
        assertUpdate("CALL icedb.system.cleanup('s', 'cleaned', '%sms')".formatted(retentionMillis));

        boolean lastInsideWindow = Files.exists(root.resolve("s/cleaned/_log").resolve(lastLog));
        List<Path> kept = lastInsideWindow ? sketches.subList(2, 4) : sketches.subList(3, 4);
        assertThat(files("s/cleaned/_icedb/sketches")).isEqualTo(kept);
        assertThat(computeScalar("SELECT metrics['sketches_deleted'] FROM s.\"cleaned$maintenance\" WHERE operation = 'cleanup'"))
                .isEqualTo((long) (sketches.size() - kept.size()));
        // the distinct counts are still those of the sketches the snapshots select
        assertThat(computeScalar("SELECT count(*) FROM s.cleaned")).isEqualTo(4000L);
        assertDistinct(showStats("s.cleaned"), "a", 4000);
        if (lastInsideWindow) {
            // time travel inside the window: the oldest snapshot (the folded log) still gets the second ANALYZE's sketch
            long oldest = (long) computeScalar("SELECT min(snapshot_id) FROM s.\"cleaned$snapshots\"");
            assertThat(oldest).isLessThan(last);
            assertDistinct(showStats("(SELECT * FROM s.cleaned FOR VERSION AS OF %s)".formatted(oldest)), "a", 3000);
            assertDistinct(showStats("(SELECT * FROM s.cleaned FOR VERSION AS OF %s)".formatted(last)), "a", 4000);
        }

        // a cleanup that folds everything keeps the newest sketch only
        computeActual("CALL icedb.system.cleanup('s', 'cleaned', '0s')");
        assertThat(files("s/cleaned/_icedb/sketches")).isEqualTo(sketches.subList(3, 4));
        assertDistinct(showStats("s.cleaned"), "a", 4000);
    }

    @Test
    public void testAnalyzePythonTables()
            throws IOException
    {
        for (String table : IcedbFixtures.TABLES) {
            List<Path> logs = files(table + "/_log");
            assertUpdate("ANALYZE fixtures." + table);
            Map<String, MaterializedRow> stats = showStats("fixtures." + table);
            List<String> scalar = new ArrayList<>();
            for (MaterializedRow column : computeActual("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'fixtures' AND table_name = '%s'".formatted(table)).getMaterializedRows()) {
                String name = (String) column.getField(0);
                String type = (String) column.getField(1);
                if (type.startsWith("array") || type.startsWith("map") || type.startsWith("row")) {
                    assertThat(stats.get(name).getField(2)).as("%s.%s", table, name).isNull();
                }
                else {
                    scalar.add(name);
                }
            }
            assertThat(scalar).as("columns of %s with distinct counts", table).isNotEmpty();
            // the exact counts, in one query
            MaterializedRow counts = computeActual("SELECT %s FROM fixtures.%s".formatted(
                    String.join(", ", scalar.stream().map("count(DISTINCT \"%s\")"::formatted).toList()), table)).getMaterializedRows().getFirst();
            for (int i = 0; i < scalar.size(); i++) {
                assertDistinct(stats, scalar.get(i), (long) counts.getField(i));
            }
            // Python's log directory is untouched
            assertThat(files(table + "/_log")).as("logs of %s", table).isEqualTo(logs);
            assertThat(files(table + "/_icedb/sketches")).as("sketches of %s", table).hasSize(1);
        }
    }

    @Test
    public void testMergesWriteTheStatisticsSidecar()
            throws IOException
    {
        assertUpdate("CREATE TABLE s.merged (a bigint, b double)");
        for (int i = 0; i < 4; i++) {
            assertUpdate("INSERT INTO s.merged VALUES (%s, NULL), (%s, %s.5)".formatted(i, i * 10, i), 2);
        }
        long inserted = (long) computeScalar("SELECT max(snapshot_id) FROM s.\"merged$snapshots\"");
        computeActual("CALL icedb.system.merge('s', 'merged')");
        String mergedLog = (String) computeScalar("SELECT file FROM s.\"merged$log\" WHERE merged ORDER BY \"timestamp\" DESC LIMIT 1");
        // written by the merge itself: no query read the statistics since
        assertThat(root.resolve("s/merged/_icedb/stats").resolve(fileName(mergedLog) + ".json")).exists();
        assertSidecarOnlyStatistics("s/merged", "s.merged", 8, "0", "30");

        assertUpdate("INSERT INTO s.merged VALUES (100, 1.0), (-5, NULL)", 2);
        computeActual("ALTER TABLE s.merged EXECUTE merge");
        String executeLog = (String) computeScalar("SELECT file FROM s.\"merged$log\" WHERE merged ORDER BY \"timestamp\" DESC LIMIT 1");
        assertThat(executeLog).isNotEqualTo(mergedLog);
        assertThat(root.resolve("s/merged/_icedb/stats").resolve(fileName(executeLog) + ".json")).exists();
        assertSidecarOnlyStatistics("s/merged", "s.merged", 10, "-5", "100");

        // a row-level rewrite
        assertUpdate("UPDATE s.merged SET a = 1000 WHERE a = 30", 1);
        String updateLog = (String) computeScalar("SELECT file FROM s.\"merged$log\" WHERE merged ORDER BY \"timestamp\" DESC LIMIT 1");
        assertThat(root.resolve("s/merged/_icedb/stats").resolve(fileName(updateLog) + ".json")).exists();
        assertSidecarOnlyStatistics("s/merged", "s.merged", 10, "-5", "1000");

        // a rollback lists the version's parts again: their statistics go into its sidecar
        computeActual("CALL icedb.system.rollback_to_snapshot('s', 'merged', %s)".formatted(inserted));
        String rollbackLog = (String) computeScalar("SELECT file FROM s.\"merged$log\" ORDER BY \"timestamp\" DESC LIMIT 1");
        assertThat(root.resolve("s/merged/_icedb/stats").resolve(fileName(rollbackLog) + ".json")).exists();
        assertSidecarOnlyStatistics("s/merged", "s.merged", 8, "0", "30");
    }

    /**
     * SHOW STATS is exact from the sidecars alone: with every part's footer statistics out of reach (the parts moved
     * away, the sidecars kept), the row count and range still come out.
     */
    private void assertSidecarOnlyStatistics(String tableDirectory, String table, long rows, String low, String high)
            throws IOException
    {
        Path data = root.resolve(tableDirectory).resolve("_data");
        Path moved = root.resolve(tableDirectory).resolve("_data_moved_away");
        Files.move(data, moved);
        try {
            Map<String, MaterializedRow> stats = showStats(table);
            assertThat(stats.get(null).getField(4)).isEqualTo((double) rows);
            assertThat(stats.get("a").getField(5)).isEqualTo(low);
            assertThat(stats.get("a").getField(6)).isEqualTo(high);
        }
        finally {
            Files.move(moved, data);
        }
    }

    private static String fileName(String key)
    {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    private Session noCollection()
    {
        return Session.builder(getSession())
                .setCatalogSessionProperty("icedb", "collect_extended_statistics_on_write", "false")
                .build();
    }

    private static double joinEstimate(String explain)
    {
        String text = joinEstimateText(explain);
        Matcher matcher = Pattern.compile("rows: ([0-9.]+)").matcher(text);
        assertThat(matcher.find()).as("join estimate in %s", text).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    private static String joinEstimateText(String explain)
    {
        List<String> lines = explain.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("InnerJoin[")) {
                for (int j = i + 1; j < lines.size(); j++) {
                    if (lines.get(j).contains("Estimates:")) {
                        return lines.get(j);
                    }
                }
            }
        }
        throw new AssertionError("No join in " + explain);
    }

    private Map<String, MaterializedRow> showStats(String table)
    {
        Map<String, MaterializedRow> rows = new HashMap<>();
        for (MaterializedRow row : computeActual("SHOW STATS FOR " + table).getMaterializedRows()) {
            rows.put((String) row.getField(0), row);
        }
        return rows;
    }

    private static void assertDistinct(Map<String, MaterializedRow> stats, String column, long exact)
    {
        MaterializedRow row = stats.get(column);
        assertThat(row).as("statistics of %s", column).isNotNull();
        assertThat(row.getField(2)).as("distinct count of %s", column).isNotNull();
        assertThat((double) row.getField(2)).as("distinct count of %s", column).isCloseTo(exact, within(Math.max(1.0, exact * HLL_ERROR)));
    }

    private List<Path> files(String directory)
            throws IOException
    {
        Path path = root.resolve(directory);
        if (!Files.exists(path)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(path)) {
            return files.sorted().toList();
        }
    }
}
