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

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Materialized views on a two-node cluster over a local warehouse: create, show, list, drop, freshness, full and
 * incremental refresh of a view without aggregation (the aggregate views: {@link TestIcedbMaterializedViewRefreshSequence}).
 */
public class TestIcedbMaterializedViews
        extends AbstractTestQueryFramework
{
    private Path root;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        root = Files.createTempDirectory("icedb-mv");
        Path directory = root;
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setLocalWarehouse(root)
                .registerResource(() -> deleteRecursively(directory, ALLOW_INSECURE))
                .build();
        queryRunner.execute("CREATE SCHEMA icedb.mv");
        queryRunner.execute("CREATE SCHEMA icedb.mv2");
        return queryRunner;
    }

    @Test
    public void testLifecycle()
    {
        assertUpdate("CREATE TABLE mv.events (user_id varchar, n bigint)");
        assertUpdate("INSERT INTO mv.events VALUES ('a', 1), ('b', 2), ('a', 3)", 3);
        assertUpdate("CREATE MATERIALIZED VIEW mv.per_user WITH (partitioning = ARRAY['user_id']) AS SELECT user_id, count(*) AS events, avg(n) AS average FROM icedb.mv.events GROUP BY user_id");
        assertThat(root.resolve("mv/_materialized_views/per_user/_icedb/materialized_view.json")).exists();
        assertThat(query("SHOW TABLES FROM mv")).matches("VALUES VARCHAR 'events', VARCHAR 'per_user'");
        assertThat(query("SELECT name, storage_table, freshness FROM system.metadata.materialized_views WHERE catalog_name = 'icedb' AND schema_name = 'mv'"))
                .matches("VALUES (VARCHAR 'per_user', VARCHAR 'per_user$materialized_view_storage', VARCHAR 'STALE')");
        // never refreshed: Trino runs the query
        assertThat(query("SELECT * FROM mv.per_user")).matches("VALUES (VARCHAR 'a', BIGINT '2', DOUBLE '2'), ('b', 1, 2)");

        assertUpdate("REFRESH MATERIALIZED VIEW mv.per_user", 2);
        assertThat(freshness("mv", "per_user")).isEqualTo("FRESH");
        assertThat(query("SELECT * FROM mv.\"per_user$materialized_view_storage\"")).matches("VALUES (VARCHAR 'a', BIGINT '2', DOUBLE '2'), ('b', 1, 2)");
        assertThat(query("SELECT * FROM mv.per_user")).matches("VALUES (VARCHAR 'a', BIGINT '2', DOUBLE '2'), ('b', 1, 2)");
        assertThat((String) computeScalar("SHOW CREATE MATERIALIZED VIEW mv.per_user"))
                .contains("CREATE MATERIALIZED VIEW icedb.mv.per_user")
                .contains("partitioning = ARRAY['user_id']")
                .contains("GROUP BY user_id");

        assertUpdate("INSERT INTO mv.events VALUES ('c', 5)", 1);
        assertThat(freshness("mv", "per_user")).isEqualTo("STALE");
        // avg does not decompose: the refresh is full
        assertUpdate("REFRESH MATERIALIZED VIEW mv.per_user", 3);
        assertThat(freshness("mv", "per_user")).isEqualTo("FRESH");
        assertThat(query("SELECT * FROM mv.\"per_user$materialized_view_storage\""))
                .matches("VALUES (VARCHAR 'a', BIGINT '2', DOUBLE '2'), ('b', 1, 2), ('c', 1, 5)");

        // time travel on the storage table: the first refresh
        long firstRefresh = (long) computeScalar("SELECT version FROM mv.\"per_user$materialized_view_storage$log\" ORDER BY version OFFSET 1 LIMIT 1");
        assertThat(query("SELECT count(*) FROM mv.\"per_user$materialized_view_storage\" FOR VERSION AS OF " + firstRefresh)).matches("VALUES BIGINT '2'");

        assertUpdate("DROP MATERIALIZED VIEW mv.per_user");
        assertThat(query("SELECT count(*) FROM system.metadata.materialized_views WHERE catalog_name = 'icedb' AND schema_name = 'mv'")).matches("VALUES BIGINT '0'");
        assertThat(root.resolve("mv/_materialized_views/per_user/_icedb/materialized_view.json")).doesNotExist();
        assertQueryFails("SELECT * FROM mv.per_user", ".*'icedb.mv.per_user' does not exist");
        assertUpdate("DROP TABLE mv.events");
    }

    @Test
    public void testIncrementalRefreshWithoutAggregation()
    {
        assertUpdate("CREATE TABLE mv2.clicks (page varchar, ms bigint)");
        assertUpdate("INSERT INTO mv2.clicks VALUES ('home', 10), ('pricing', 200)", 2);
        assertUpdate("INSERT INTO mv2.clicks VALUES ('home', 900)", 1);
        assertUpdate("CREATE MATERIALIZED VIEW mv2.slow AS SELECT page, ms FROM icedb.mv2.clicks WHERE ms > 100");
        assertThat(refreshSplits("mv2.slow")).isEqualTo(2);

        assertUpdate("INSERT INTO mv2.clicks VALUES ('docs', 300), ('home', 5)", 2);
        assertUpdate("INSERT INTO mv2.clicks VALUES ('docs', 700)", 1);
        // only the parts of the two new insert logs
        assertThat(refreshSplits("mv2.slow")).isEqualTo(2);
        assertThat(query("SELECT * FROM mv2.slow")).matches("SELECT page, ms FROM mv2.clicks WHERE ms > 100");
        assertThat(query("SELECT * FROM mv2.\"slow$materialized_view_storage\"")).matches("SELECT page, ms FROM mv2.clicks WHERE ms > 100");

        // a merge moves rows: still incremental
        assertUpdate("CALL icedb.system.merge('mv2', 'clicks')");
        assertUpdate("INSERT INTO mv2.clicks VALUES ('blog', 150)", 1);
        assertThat(refreshSplits("mv2.slow")).isEqualTo(1);
        assertThat(query("SELECT * FROM mv2.\"slow$materialized_view_storage\"")).matches("SELECT page, ms FROM mv2.clicks WHERE ms > 100");

        // a DELETE makes the next refresh full
        assertUpdate("DELETE FROM mv2.clicks WHERE page = 'docs'", 2);
        assertThat(freshness("mv2", "slow")).isEqualTo("STALE");
        assertThat(refreshSplits("mv2.slow")).isEqualTo((long) computeScalar("SELECT count(*) FROM mv2.\"clicks$files\""));
        assertThat(query("SELECT * FROM mv2.\"slow$materialized_view_storage\"")).matches("SELECT page, ms FROM mv2.clicks WHERE ms > 100");
        assertThat(freshness("mv2", "slow")).isEqualTo("FRESH");
        assertUpdate("DROP MATERIALIZED VIEW mv2.slow");
        assertUpdate("DROP TABLE mv2.clicks");
    }

    private String freshness(String schema, String view)
    {
        return (String) computeScalar("SELECT freshness FROM system.metadata.materialized_views WHERE catalog_name = 'icedb' AND schema_name = '" + schema + "' AND name = '" + view + "'");
    }

    /**
     * Refreshes the view and returns the number of splits the refresh scanned (one per part opened).
     */
    private long refreshSplits(String view)
    {
        DistributedQueryRunner queryRunner = getDistributedQueryRunner();
        QueryRunner.MaterializedResultWithPlan result = queryRunner.executeWithPlan(getSession(), "REFRESH MATERIALIZED VIEW " + view);
        QueryStats stats = queryRunner.getCoordinator().getQueryManager().getFullQueryInfo(result.queryId()).getQueryStats();
        return stats.getOperatorSummaries().stream()
                .filter(operator -> operator.getOperatorType().contains("Scan"))
                .mapToLong(OperatorStats::getTotalDrivers)
                .sum();
    }
}
