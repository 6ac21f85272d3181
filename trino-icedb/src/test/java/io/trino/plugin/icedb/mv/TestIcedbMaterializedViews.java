package io.trino.plugin.icedb.mv;

import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotTime;
import io.icedb.engine.io.LocalFileIo;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.table.TableLog;
import io.trino.execution.QueryStats;
import io.trino.operator.OperatorStats;
import io.trino.plugin.icedb.IcedbQueryRunner;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.DistributedQueryRunner;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Materialized views on a two-node cluster over a local warehouse: create, show, list, drop, freshness, full and
 * incremental refresh of a view without aggregation (the aggregate views: {@link TestIcedbMaterializedViewRefreshSequence}),
 * the storage table's protection against other writes, rename, and a source log that shows up late.
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
                .addIcedbProperty("icedb.cleanup.min-retention", "0s")
                .registerResource(() -> deleteRecursively(directory, ALLOW_INSECURE))
                .build();
        queryRunner.execute("CREATE SCHEMA icedb.mv");
        queryRunner.execute("CREATE SCHEMA icedb.mv2");
        queryRunner.execute("CREATE SCHEMA icedb.mv3");
        queryRunner.execute("CREATE SCHEMA icedb.mv4");
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

    @Test
    public void testStorageTableChangesOnlyByRefresh()
    {
        assertUpdate("CREATE TABLE mv3.orders (customer varchar, amount bigint)");
        assertUpdate("INSERT INTO mv3.orders VALUES ('a', 10), ('b', 20), ('a', 5)", 3);
        assertUpdate("CREATE MATERIALIZED VIEW mv3.totals AS SELECT customer, count(*) AS orders, sum(amount) AS amount FROM icedb.mv3.orders GROUP BY customer");
        assertUpdate("REFRESH MATERIALIZED VIEW mv3.totals", 2);
        String storage = "mv3.\"totals$materialized_view_storage\"";
        String refused = ".*: it is the storage table of materialized view mv3.totals.*";

        assertThat(query("INSERT INTO " + storage + " VALUES ('z', 1, 1)")).failure().hasErrorCode(NOT_SUPPORTED).hasMessageMatching("Cannot insert into table mv3.totals\\$materialized_view_storage" + refused);
        assertThat(query("DELETE FROM " + storage + " WHERE customer = 'a'")).failure().hasErrorCode(NOT_SUPPORTED).hasMessageMatching(refused);
        assertThat(query("DELETE FROM " + storage)).failure().hasErrorCode(NOT_SUPPORTED).hasMessageMatching(refused);
        assertThat(query("UPDATE " + storage + " SET amount = 0 WHERE customer = 'a'")).failure().hasErrorCode(NOT_SUPPORTED).hasMessageMatching(refused);
        assertThat(query("MERGE INTO " + storage + " t USING (VALUES 'a') s(c) ON t.customer = s.c WHEN MATCHED THEN DELETE")).failure().hasErrorCode(NOT_SUPPORTED).hasMessageMatching(refused);
        assertThat(query("CREATE OR REPLACE TABLE " + storage + " AS SELECT 'q' AS customer, BIGINT '1' AS orders, BIGINT '1' AS amount")).failure().hasErrorCode(NOT_SUPPORTED).hasMessageMatching(refused);
        assertThat(query("CREATE OR REPLACE TABLE " + storage + " (customer varchar, orders bigint, amount bigint)")).failure().hasErrorCode(NOT_SUPPORTED).hasMessageMatching(refused);
        assertThat(query("TRUNCATE TABLE " + storage)).failure().hasErrorCode(NOT_SUPPORTED).hasMessageMatching(refused);
        assertThat(query("ALTER TABLE " + storage + " ADD COLUMN extra bigint")).failure().hasErrorCode(NOT_SUPPORTED).hasMessageMatching(refused);
        assertThat(query("DROP TABLE " + storage)).failure().hasErrorCode(NOT_SUPPORTED).hasMessageMatching("Cannot drop table mv3.totals\\$materialized_view_storage" + refused + "DROP MATERIALIZED VIEW mv3.totals.*");
        long firstVersion = (long) computeScalar("SELECT min(version) FROM " + "mv3.\"totals$materialized_view_storage$log\"");
        assertThat(query("CALL icedb.system.rollback_to_snapshot('mv3', 'totals$materialized_view_storage', " + firstVersion + ")")).failure().hasErrorCode(NOT_SUPPORTED).hasMessageMatching(refused);
        assertQueryFails("ALTER TABLE " + storage + " SET PROPERTIES partitioning = ARRAY['customer']", ".*does not support setting table properties.*");
        assertQueryFails("ALTER TABLE " + storage + " RENAME TO mv3.other", ".*does not support renaming tables.*");
        assertThat(query("SELECT * FROM " + storage)).matches("VALUES (VARCHAR 'a', BIGINT '2', BIGINT '15'), ('b', 1, 20)");

        // maintenance that does not change the rows works, and so do comments
        assertUpdate("CALL icedb.system.merge('mv3', 'totals$materialized_view_storage')");
        computeActual("ALTER TABLE " + storage + " EXECUTE optimize");
        assertUpdate("COMMENT ON TABLE " + storage + " IS 'totals per customer'");

        // REFRESH still writes, incrementally
        assertUpdate("INSERT INTO mv3.orders VALUES ('c', 7)", 1);
        assertThat(refreshSplits("mv3.totals")).isEqualTo(1);
        assertThat(query("SELECT * FROM mv3.totals")).matches("SELECT customer, count(*), sum(amount) FROM mv3.orders GROUP BY customer");
        assertThat(freshness("mv3", "totals")).isEqualTo("FRESH");
        assertUpdate("DROP MATERIALIZED VIEW mv3.totals");
        assertUpdate("DROP TABLE mv3.orders");
    }

    @Test
    public void testRename()
    {
        assertUpdate("CREATE TABLE mv4.visits (site varchar, ms bigint)");
        assertUpdate("INSERT INTO mv4.visits VALUES ('x', 1), ('y', 2)", 2);
        assertUpdate("INSERT INTO mv4.visits VALUES ('x', 3)", 1);
        assertUpdate("CREATE MATERIALIZED VIEW mv4.per_site WITH (partitioning = ARRAY['site']) AS SELECT site, count(*) AS visits, max(ms) AS slowest FROM icedb.mv4.visits GROUP BY site");
        assertUpdate("REFRESH MATERIALIZED VIEW mv4.per_site", 2);

        assertUpdate("ALTER MATERIALIZED VIEW mv4.per_site RENAME TO mv4.by_site");
        assertThat(root.resolve("mv4/_materialized_views/per_site")).doesNotExist();
        assertThat(root.resolve("mv4/_materialized_views/by_site/_icedb/materialized_view.json")).exists();
        assertThat(query("SELECT name FROM system.metadata.materialized_views WHERE catalog_name = 'icedb' AND schema_name = 'mv4'")).matches("VALUES VARCHAR 'by_site'");
        assertQueryFails("SELECT * FROM mv4.per_site", ".*'icedb.mv4.per_site' does not exist");
        // the storage table moved with its rows and its last refresh: still fresh, read from storage
        assertThat(freshness("mv4", "by_site")).isEqualTo("FRESH");
        assertThat(query("SELECT * FROM mv4.\"by_site$materialized_view_storage\"")).matches("VALUES (VARCHAR 'x', BIGINT '2', BIGINT '3'), ('y', 1, 2)");
        assertThat((String) computeScalar("SHOW CREATE MATERIALIZED VIEW mv4.by_site"))
                .contains("CREATE MATERIALIZED VIEW icedb.mv4.by_site")
                .contains("partitioning = ARRAY['site']");

        // and the next refresh is incremental
        assertUpdate("INSERT INTO mv4.visits VALUES ('x', 9), ('z', 4)", 2);
        assertThat(freshness("mv4", "by_site")).isEqualTo("STALE");
        assertThat(refreshSplits("mv4.by_site")).isEqualTo(1);
        assertThat(query("SELECT * FROM mv4.by_site")).matches("SELECT site, count(*), max(ms) FROM mv4.visits GROUP BY site");

        // to another schema
        assertUpdate("ALTER MATERIALIZED VIEW mv4.by_site RENAME TO mv3.site_visits");
        assertThat(query("SELECT count(*) FROM system.metadata.materialized_views WHERE catalog_name = 'icedb' AND schema_name = 'mv4'")).matches("VALUES BIGINT '0'");
        assertThat(query("SELECT * FROM mv3.site_visits")).matches("SELECT site, count(*), max(ms) FROM mv4.visits GROUP BY site");
        assertThat(freshness("mv3", "site_visits")).isEqualTo("FRESH");
        assertUpdate("INSERT INTO mv4.visits VALUES ('y', 11)", 1);
        assertThat(refreshSplits("mv3.site_visits")).isEqualTo(1);
        assertThat(query("SELECT * FROM mv3.\"site_visits$materialized_view_storage\"")).matches("SELECT site, count(*), max(ms) FROM mv4.visits GROUP BY site");

        // names taken, and properties
        assertUpdate("CREATE TABLE mv4.taken (a bigint)");
        assertQueryFails("ALTER MATERIALIZED VIEW mv3.site_visits RENAME TO mv4.taken", ".*a table with that name exists.*");
        assertQueryFails("ALTER MATERIALIZED VIEW mv3.site_visits RENAME TO missing_schema.v", "Schema missing_schema not found");
        assertQueryFails("ALTER MATERIALIZED VIEW mv3.site_visits SET PROPERTIES partitioning = ARRAY['site']", ".*does not support setting materialized view properties.*");
        assertUpdate("DROP MATERIALIZED VIEW mv3.site_visits");
        assertThat(root.resolve("mv3/_materialized_views/site_visits")).doesNotExist();
        assertUpdate("DROP TABLE mv4.taken");
        assertUpdate("DROP TABLE mv4.visits");
    }

    @Test
    public void testSourceLogStampedLongBeforeTheRefreshThatShowsUpAfterIt()
            throws IOException
    {
        assertUpdate("CREATE TABLE mv2.slow_writes (k varchar, v bigint)");
        assertUpdate("INSERT INTO mv2.slow_writes VALUES ('a', 1), ('b', 2)", 2);
        assertUpdate("INSERT INTO mv2.slow_writes VALUES ('a', 3)", 1);
        assertUpdate("CREATE MATERIALIZED VIEW mv2.slow_totals AS SELECT k, count(*) AS c, sum(v) AS s FROM icedb.mv2.slow_writes GROUP BY k");
        assertUpdate("CREATE MATERIALIZED VIEW mv2.slow_rows AS SELECT k, v FROM icedb.mv2.slow_writes");
        assertUpdate("REFRESH MATERIALIZED VIEW mv2.slow_totals", 2);
        assertUpdate("REFRESH MATERIALIZED VIEW mv2.slow_rows", 3);

        // a slow INSERT: its log carries the time it started, ten minutes before the refresh, and appears only now
        TableLog log = TableLog.uncached(new LocalFileIo(root), "mv2/slow_writes");
        Snapshot snapshot = log.snapshot(SnapshotTime.latest());
        FileMarker part = snapshot.aliveFiles().getFirst();
        String copy = part.path().substring(0, part.path().lastIndexOf('/') + 1) + UUID.randomUUID() + ".parquet";
        Files.copy(root.resolve(part.path()), root.resolve(copy));
        long stamp = snapshot.version() - 600_000;
        log.commitInsert(snapshot.schema(), List.of(FileMarker.alive(copy, part.bytes(), stamp)), () -> LogFileName.uniqueHost("slowinsert"), () -> stamp);

        assertThat(freshness("mv2", "slow_totals")).isEqualTo("STALE");
        assertThat(freshness("mv2", "slow_rows")).isEqualTo("STALE");
        // incremental: the late log's one part
        assertThat(refreshSplits("mv2.slow_totals")).isEqualTo(1);
        assertThat(refreshSplits("mv2.slow_rows")).isEqualTo(1);
        assertThat(query("SELECT * FROM mv2.slow_totals")).matches("SELECT k, count(*), sum(v) FROM mv2.slow_writes GROUP BY k");
        assertThat(query("SELECT * FROM mv2.slow_rows")).matches("SELECT k, v FROM mv2.slow_writes");
        assertThat(query("SELECT * FROM mv2.\"slow_rows$materialized_view_storage\"")).matches("SELECT k, v FROM mv2.slow_writes");
        assertThat(freshness("mv2", "slow_totals")).isEqualTo("FRESH");

        // then a merge and a cleanup of the source: the view stays its query
        assertUpdate("INSERT INTO mv2.slow_writes VALUES ('c', 5)", 1);
        assertUpdate("CALL icedb.system.merge('mv2', 'slow_writes')");
        computeActual("CALL icedb.system.cleanup('mv2', 'slow_writes', '0s')");
        computeActual("REFRESH MATERIALIZED VIEW mv2.slow_totals");
        assertThat(query("SELECT * FROM mv2.slow_totals")).matches("SELECT k, count(*), sum(v) FROM mv2.slow_writes GROUP BY k");
        assertThat(query("SELECT k, sum(c), sum(s) FROM mv2.\"slow_totals$materialized_view_storage\" GROUP BY k")).matches("SELECT k, count(*), sum(v) FROM mv2.slow_writes GROUP BY k");
        assertUpdate("DROP MATERIALIZED VIEW mv2.slow_totals");
        assertUpdate("DROP MATERIALIZED VIEW mv2.slow_rows");
        assertUpdate("DROP TABLE mv2.slow_writes");
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
