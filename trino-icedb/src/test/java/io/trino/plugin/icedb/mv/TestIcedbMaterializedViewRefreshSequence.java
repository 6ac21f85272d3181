package io.trino.plugin.icedb.mv;

import io.trino.execution.QueryStats;
import io.trino.operator.OperatorStats;
import io.trino.plugin.icedb.IcedbQueryRunner;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.DistributedQueryRunner;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.StringJoiner;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A random sequence (fixed seed, printed) of source inserts, merges, cleanups, deletes and refreshes of two views: an
 * aggregating view (count, sum, min, max by key: an {@code aggregate} storage table) and one without aggregation. After
 * every refresh the view equals its query run on the source, and a refresh after only inserts, merges and cleanups
 * opens only the parts the inserts added since the previous refresh (the refresh's scan splits are counted).
 */
public class TestIcedbMaterializedViewRefreshSequence
        extends AbstractTestQueryFramework
{
    private static final long SEED = 20261202L;
    private static final int STEPS = 30;
    private static final String AGGREGATE_QUERY = "SELECT k, count(*) AS c, sum(v) AS s, min(v) AS lo, max(v) AS hi FROM icedb.seq.src WHERE v <> 13 GROUP BY k";
    private static final String APPEND_QUERY = "SELECT k, v FROM icedb.seq.src WHERE v % 3 <> 0";

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        Path root = Files.createTempDirectory("icedb-mv-sequence");
        return IcedbQueryRunner.builder()
                .setLocalWarehouse(root)
                .addIcedbProperty("icedb.cleanup.min-retention", "0s")
                .registerResource(() -> deleteRecursively(root, ALLOW_INSECURE))
                .build();
    }

    @Test
    public void testRandomSequence()
    {
        System.out.println("TestIcedbMaterializedViewRefreshSequence seed: " + SEED);
        Random random = new Random(SEED);
        assertUpdate("CREATE SCHEMA icedb.seq");
        assertUpdate("CREATE TABLE seq.src (k varchar, v bigint)");
        assertUpdate("CREATE MATERIALIZED VIEW seq.agg AS " + AGGREGATE_QUERY);
        assertUpdate("CREATE MATERIALIZED VIEW seq.app AS " + APPEND_QUERY);
        assertThat((String) computeScalar("SELECT \"value\" FROM seq.\"agg$materialized_view_storage$properties\" WHERE key = 'merge_engine'")).isEqualTo("aggregate");

        boolean refreshed = false;
        boolean changedRows = false;
        boolean cleaned = false;
        long partsSinceRefresh = 0;
        long rowsSinceRefresh = 0;
        for (int step = 0; step < STEPS; step++) {
            int operation = random.nextInt(10);
            if (operation < 4) {
                int rows = 1 + random.nextInt(6);
                StringJoiner values = new StringJoiner(", ");
                for (int i = 0; i < rows; i++) {
                    values.add("('" + (char) ('a' + random.nextInt(5)) + "', " + random.nextInt(40) + ")");
                }
                long before = addedParts();
                assertUpdate("INSERT INTO seq.src VALUES " + values, rows);
                partsSinceRefresh += addedParts() - before;
                rowsSinceRefresh += rows;
                System.out.println("step " + step + ": insert " + values);
            }
            else if (operation == 4) {
                computeActual("CALL icedb.system.merge('seq', 'src')");
                System.out.println("step " + step + ": merge");
            }
            else if (operation == 5) {
                computeActual("CALL icedb.system.cleanup('seq', 'src', '0s')");
                cleaned = true;
                System.out.println("step " + step + ": cleanup");
            }
            else if (operation == 6) {
                String key = String.valueOf((char) ('a' + random.nextInt(5)));
                computeActual("DELETE FROM seq.src WHERE k = '" + key + "' AND v < 20");
                changedRows = true;
                System.out.println("step " + step + ": delete " + key);
            }
            else {
                long liveParts = (long) computeScalar("SELECT count(*) FROM seq.\"src$files\"");
                long liveRows = (long) computeScalar("SELECT count(*) FROM seq.src");
                Scan aggregate = refresh("seq.agg");
                Scan append = refresh("seq.app");
                System.out.printf("step %s: refresh, %s new parts with %s rows, scanned %s and %s%n", step, partsSinceRefresh, rowsSinceRefresh, aggregate, append);
                if (refreshed && !changedRows && !cleaned) {
                    // incremental: exactly the parts of the inserts since the last refresh
                    assertThat(aggregate).isEqualTo(new Scan(partsSinceRefresh, rowsSinceRefresh));
                    assertThat(append).isEqualTo(new Scan(partsSinceRefresh, rowsSinceRefresh));
                }
                if (changedRows || !refreshed) {
                    // full: every live part
                    assertThat(aggregate).isEqualTo(new Scan(liveParts, liveRows));
                    assertThat(append).isEqualTo(new Scan(liveParts, liveRows));
                }
                assertViewsMatchSource();
                refreshed = true;
                changedRows = false;
                cleaned = false;
                partsSinceRefresh = 0;
                rowsSinceRefresh = 0;
            }
        }
        refresh("seq.agg");
        refresh("seq.app");
        assertViewsMatchSource();
        assertUpdate("DROP MATERIALIZED VIEW seq.agg");
        assertUpdate("DROP MATERIALIZED VIEW seq.app");
    }

    private void assertViewsMatchSource()
    {
        assertThat(freshness("agg")).isEqualTo("FRESH");
        assertThat(freshness("app")).isEqualTo("FRESH");
        // the storage table's rows combine to the query's result (merge-on-read or not)
        assertThat(query("SELECT k, sum(c), sum(s), min(lo), max(hi) FROM seq.\"agg$materialized_view_storage\" GROUP BY k"))
                .matches(AGGREGATE_QUERY);
        // the view as a user reads it
        assertThat(query("SELECT * FROM seq.agg")).matches(AGGREGATE_QUERY);
        assertThat(query("SELECT * FROM seq.app")).matches(APPEND_QUERY);
        assertThat(query("SELECT * FROM seq.\"app$materialized_view_storage\"")).matches(APPEND_QUERY);
    }

    private long addedParts()
    {
        return (long) computeScalar("SELECT coalesce(sum(added_parts), 0) FROM seq.\"src$log\" WHERE NOT merged");
    }

    private String freshness(String view)
    {
        return (String) computeScalar("SELECT freshness FROM system.metadata.materialized_views WHERE catalog_name = 'icedb' AND schema_name = 'seq' AND name = '" + view + "'");
    }

    /**
     * What a refresh scanned: splits (one per part opened; a scan of no split still counts one driver) and rows read.
     */
    private record Scan(long splits, long rows)
    {
        private Scan
        {
            // no part is empty: a scan that read no row opened none
            splits = rows == 0 ? 0 : splits;
        }
    }

    private Scan refresh(String view)
    {
        DistributedQueryRunner queryRunner = getDistributedQueryRunner();
        QueryRunner.MaterializedResultWithPlan result = queryRunner.executeWithPlan(getSession(), "REFRESH MATERIALIZED VIEW " + view);
        QueryStats stats = queryRunner.getCoordinator().getQueryManager().getFullQueryInfo(result.queryId()).getQueryStats();
        long splits = stats.getOperatorSummaries().stream()
                .filter(operator -> operator.getOperatorType().contains("Scan"))
                .mapToLong(OperatorStats::getTotalDrivers)
                .sum();
        return new Scan(splits, stats.getPhysicalInputPositions());
    }
}
