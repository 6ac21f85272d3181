package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableMap;
import io.icedb.engine.spec.FileMarker;
import io.trino.Session;
import io.trino.execution.QueryStats;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.DistributedQueryRunner;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static io.trino.spi.type.TimeZoneKey.UTC_KEY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading tables built here on a local warehouse: pruning, time travel by version, the errors of broken tables.
 */
public class TestIcedbReads
        extends AbstractTestQueryFramework
{
    private Path root;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        root = Files.createTempDirectory("icedb-reads");
        Path directory = root;
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setLocalWarehouse(root)
                .registerResource(() -> deleteRecursively(directory, ALLOW_INSECURE))
                .build();

        // Python's readme table, with the part of user_b gone: only queries that prune it can succeed
        IcedbFixtures.copyBucket(IcedbFixtures.BUCKET, root.resolve("python"));
        Files.move(root.resolve("python/readme"), root.resolve("readme"));
        try (Stream<Path> parts = Files.walk(root.resolve("readme/_data/u=user_b"))) {
            for (Path part : parts.filter(Files::isRegularFile).toList()) {
                Files.delete(part);
            }
        }
        queryRunner.execute("CALL icedb.system.register_table('s', 'readme_pruned', 'local:///readme')");

        // one part of 10,240 rows in 5 row groups of 2,048 (DuckDB's vector-aligned size), sorted by x
        FileMarker rowGroups = TestingLocalTables.writePart(root, "s/row_groups", "", "SELECT range AS x, range % 7 AS y FROM range(10240)", 2048);
        TestingLocalTables.writeLog(root, "s/row_groups", 1000, Map.of("x", "BIGINT", "y", "BIGINT"), List.of(rowGroups));

        // a dictionary-encoded column whose values are the even numbers: an odd one is inside min/max but in no dictionary
        FileMarker dictionary = TestingLocalTables.writePart(root, "s/dictionary", "", "SELECT 'v' || lpad(CAST((range % 50) * 2 AS VARCHAR), 3, '0') AS v FROM range(5000)", 2048);
        TestingLocalTables.writeLog(root, "s/dictionary", 1000, Map.of("v", "VARCHAR"), List.of(dictionary));

        // two inserts at t=1000 and t=2000
        FileMarker first = TestingLocalTables.writePart(root, "s/versions", "p=a", "SELECT 1 AS v", 100);
        FileMarker second = TestingLocalTables.writePart(root, "s/versions", "p=b", "SELECT 2 AS v", 100);
        TestingLocalTables.writeLog(root, "s/versions", 1000, Map.of("v", "INTEGER"), List.of(first));
        TestingLocalTables.writeLog(root, "s/versions", 2000, Map.of("v", "INTEGER"), List.of(second));

        // broken tables
        TestingLocalTables.writeLog(root, "s/missing_part", 1000, Map.of("x", "BIGINT"), List.of(FileMarker.alive("s/missing_part/_data/p=1/gone.parquet", 100, 1000)));
        TestingLocalTables.writeLog(root, "s/schema_conflict", 1000, Map.of("a", "BIGINT"), List.of());
        TestingLocalTables.writeLog(root, "s/schema_conflict", 2000, Map.of("a", "VARCHAR"), List.of());
        TestingLocalTables.writeRawLog(root, "s/bad_log", "1000_test.jsonl", "this is not a log");
        TestingLocalTables.writeLog(root, "s/interval", 1000, ImmutableMap.of("x", "BIGINT", "i", "INTERVAL"), List.of());
        return queryRunner;
    }

    @Test
    public void testPythonHiveKeysPrunePartsWithoutOpeningThem()
    {
        // the part of u=user_b is missing: reading it fails, so these queries prove it is never opened
        assertThat(query("SELECT event, ts FROM s.readme_pruned WHERE u = 'user_a'"))
                .matches("VALUES (VARCHAR 'page_load', BIGINT '1686176939445'), ('page_load', 1686176941445), ('page_load', 1686176939666)");
        assertThat(query("SELECT count(*) FROM s.readme_pruned WHERE \"$partition\" = 'u=user_a/d=2023-06-07'"))
                .matches("VALUES BIGINT '3'");
        assertThat(query("SELECT count(*) FROM s.readme_pruned WHERE d > '2023-03-01'"))
                .matches("VALUES BIGINT '3'");
        assertThat(query("SELECT count(*) FROM s.readme_pruned"))
                .failure().hasMessageMatching("Part local:///readme/_data/u=user_b/d=2023-02-11/.*\\.parquet is listed by the table's log but does not exist");
    }

    @Test
    public void testRowGroupStatisticsSkipRowGroups()
    {
        assertThat(query("SELECT count(*), min(x), max(x) FROM s.row_groups WHERE x BETWEEN 4100 AND 4200"))
                .matches("VALUES (BIGINT '101', BIGINT '4100', BIGINT '4200')");
        assertThat(physicalInputPositions("SELECT count(*) FROM s.row_groups WHERE x BETWEEN 4100 AND 4200")).isEqualTo(2048);
        assertThat(physicalInputPositions("SELECT count(*) FROM s.row_groups WHERE y = 3")).isEqualTo(10240);
        assertThat(physicalInputPositions("SELECT count(*) FROM s.row_groups WHERE x > 20000")).isEqualTo(0);
    }

    @Test
    public void testLargePartsAreSplitAtRowGroups()
    {
        Session smallSplits = Session.builder(getSession())
                .setCatalogSessionProperty("icedb", "max_split_size", "1kB")
                .build();
        DistributedQueryRunner queryRunner = getDistributedQueryRunner();
        QueryRunner.MaterializedResultWithPlan result = queryRunner.executeWithPlan(smallSplits, "SELECT count(*), sum(x), count(DISTINCT y) FROM s.row_groups");
        assertThat(result.result().getMaterializedRows().getFirst().getFields()).containsExactly(10240L, 10240L * 10239 / 2, 7L);
        QueryStats stats = queryRunner.getCoordinator().getQueryManager().getFullQueryInfo(result.queryId()).getQueryStats();
        assertThat(stats.getTotalDrivers()).isGreaterThan(5);
        assertThat(query(smallSplits, "SELECT x FROM s.row_groups WHERE x IN (0, 2047, 2048, 10239)")).matches("VALUES BIGINT '0', 2047, 2048, 10239");
    }

    @Test
    public void testDictionariesAndBloomFiltersSkipRowGroups()
    {
        assertThat(query("SELECT count(*) FROM s.dictionary WHERE v = 'v050'")).matches("VALUES BIGINT '100'");
        assertThat(query("SELECT count(*) FROM s.dictionary WHERE v = 'v051'")).matches("VALUES BIGINT '0'");
        assertThat(physicalInputPositions("SELECT count(*) FROM s.dictionary WHERE v = 'v051'")).isEqualTo(0);
        assertThat(physicalInputPositions("SELECT count(*) FROM s.dictionary WHERE v = 'v050'")).isEqualTo(5000);
    }

    @Test
    public void testTimeTravelByVersionAndTimestamp()
    {
        assertThat(query("SELECT v, p FROM s.versions")).matches("VALUES (1, VARCHAR 'a'), (2, VARCHAR 'b')");
        assertThat(query("SELECT v FROM s.versions FOR VERSION AS OF 1000")).matches("VALUES 1");
        assertThat(query("SELECT v FROM s.versions FOR VERSION AS OF 1999")).matches("VALUES 1");
        assertThat(query("SELECT v FROM s.versions FOR VERSION AS OF 2000")).matches("VALUES 1, 2");
        // a timestamp keeps the logs strictly before it, as Python does
        assertThat(query("SELECT v FROM s.versions FOR TIMESTAMP AS OF TIMESTAMP '1970-01-01 00:00:02.000 UTC'")).matches("VALUES 1");
        assertThat(query("SELECT v FROM s.versions FOR TIMESTAMP AS OF TIMESTAMP '1970-01-01 00:00:02.000001 UTC'")).matches("VALUES 1, 2");
        assertThat(query("SELECT v FROM s.versions FOR TIMESTAMP AS OF TIMESTAMP '1970-01-01 00:00:01.000 UTC'"))
                .failure().hasMessageContaining("No version history table s.versions before 1970-01-01T00:00:01Z");
        assertThat(query("SELECT v FROM s.versions FOR TIMESTAMP AS OF DATE '1970-01-02'")).matches("VALUES 1, 2");
        // a timestamp without time zone is in the session's zone
        Session utc = Session.builder(getSession()).setTimeZoneKey(UTC_KEY).build();
        assertThat(query(utc, "SELECT v FROM s.versions FOR TIMESTAMP AS OF TIMESTAMP '1970-01-01 00:00:01.5'")).matches("VALUES 1");
        assertThat(query(utc, "SELECT v FROM s.versions FOR TIMESTAMP AS OF TIMESTAMP '1970-01-01 00:00:02.0000001'")).matches("VALUES 1, 2");
        assertThat(query("SELECT v FROM s.versions FOR VERSION AS OF 999"))
                .failure().hasMessageContaining("No version history table s.versions before 1970-01-01T00:00:01Z");
    }

    @Test
    public void testErrorsNameWhatIsWrong()
    {
        assertThat(query("SELECT * FROM s.missing_part"))
                .failure().hasMessage("Part local:///s/missing_part/_data/p=1/gone.parquet is listed by the table's log but does not exist");
        assertThat(query("SELECT * FROM s.schema_conflict"))
                .failure().hasMessageContaining("Schema conflict for column 'a'")
                .hasMessageContaining("BIGINT")
                .hasMessageContaining("VARCHAR")
                .hasMessageContaining("s/schema_conflict/_log/2000_test.jsonl");
        assertThat(query("SELECT * FROM s.bad_log"))
                .failure().hasMessageContaining("s/bad_log/_log/1000_test.jsonl");
        assertThat(query("SELECT * FROM s.interval"))
                .failure().hasMessage("Column 'i' of table s.interval has DuckDB type INTERVAL, which Trino cannot represent");
        assertThat(query("DESCRIBE s.interval"))
                .failure().hasMessage("Column 'i' of table s.interval has DuckDB type INTERVAL, which Trino cannot represent");
    }

    @Test
    public void testRegisterAndUnregister()
    {
        assertThat(query("CALL icedb.system.register_table('reg', 'missing', 'local:///nothing/here')"))
                .failure().hasMessage("No IceDB table at local:///nothing/here: nothing/here/_log/ has no log files");
        assertThat(query("CALL icedb.system.register_table('s', 'versions', 'local:///s/row_groups')"))
                .failure().hasMessage("Table already exists: s.versions");
        assertThat(query("CALL icedb.system.unregister_table('s', 'versions')"))
                .failure().hasMessage("Table s.versions lives in the warehouse and is not registered; drop it instead");

        assertUpdate("CALL icedb.system.register_table('reg', 'versions_again', 'local:///s/versions')");
        assertThat(query("SELECT v FROM reg.versions_again")).matches("VALUES 1, 2");
        assertThat(query("SHOW TABLES FROM reg")).matches("VALUES VARCHAR 'versions_again'");
        assertThat(query("CALL icedb.system.register_table('reg', 'versions_again', 'local:///s/versions')"))
                .failure().hasMessage("Table already exists: reg.versions_again");

        // the registration lives in the warehouse: another catalog (another coordinator) on it sees it
        getQueryRunner().createCatalog("icedb_second", "icedb", ImmutableMap.of(
                "fs.native-local.enabled", "true",
                "local.location", root.toString(),
                "icedb.warehouse", "local:///"));
        assertThat(query("SELECT v FROM icedb_second.reg.versions_again")).matches("VALUES 1, 2");

        assertUpdate("CALL icedb.system.unregister_table('reg', 'versions_again')");
        assertThat(query("SELECT v FROM reg.versions_again")).failure().hasMessageContaining("Table 'icedb.reg.versions_again' does not exist");
        assertThat(query("SELECT v FROM icedb_second.reg.versions_again")).failure().hasMessageContaining("does not exist");
        // the table itself stays
        assertThat(query("SELECT v FROM s.versions")).matches("VALUES 1, 2");
        assertThat(query("CALL icedb.system.unregister_table('reg', 'versions_again')"))
                .failure().hasMessageContaining("reg.versions_again");
    }

    @Test
    public void testListing()
    {
        assertThat(computeActual("SHOW SCHEMAS").getOnlyColumnAsSet()).contains("s", "information_schema");
        assertThat(computeActual("SHOW TABLES FROM s").getOnlyColumnAsSet())
                .contains("readme_pruned", "row_groups", "versions", "missing_part", "schema_conflict", "bad_log", "interval");
        // a table that cannot be read does not hide the columns of the others
        assertThat(query("SELECT column_name FROM information_schema.columns WHERE table_schema = 's' AND table_name IN ('versions', 'interval')"))
                .matches("VALUES VARCHAR 'v', VARCHAR 'p'");
    }

    @Test
    public void testShowCreateTable()
    {
        assertThat((String) computeActual("SHOW CREATE TABLE s.versions").getOnlyValue())
                .isEqualTo("""
                        CREATE TABLE icedb.s.versions (
                           v integer,
                           p varchar COMMENT 'Hive key of the part paths'
                        )
                        WITH (
                           location = 'local:///s/versions'
                        )""");
    }

    @Test
    public void testPartitionPruningByExpressions()
    {
        // not a domain: the split manager evaluates the expression on each part's partition values
        assertThat(query("SELECT count(*) FROM s.readme_pruned WHERE substr(u, 6) = 'a'")).matches("VALUES BIGINT '3'");
        assertThat(query("SELECT count(*) FROM s.readme_pruned WHERE u || d = 'user_a2023-06-07'")).matches("VALUES BIGINT '3'");
    }

    @Test
    public void testHiddenColumns()
    {
        assertThat(query("SELECT DISTINCT \"$partition\", \"$file_size\" > 0, \"$path\" LIKE 'local:///s/versions/_data/p=a/%.parquet' FROM s.versions WHERE v = 1"))
                .matches("VALUES (VARCHAR 'p=a', true, true)");
        assertThat(query("SHOW COLUMNS FROM s.versions"))
                .skippingTypesCheck()
                .matches("VALUES ('v', 'integer', '', ''), ('p', 'varchar', '', 'Hive key of the part paths')");
    }

    private long physicalInputPositions(String sql)
    {
        DistributedQueryRunner queryRunner = getDistributedQueryRunner();
        QueryRunner.MaterializedResultWithPlan result = queryRunner.executeWithPlan(getSession(), sql);
        QueryStats stats = queryRunner.getCoordinator().getQueryManager().getFullQueryInfo(result.queryId()).getQueryStats();
        return stats.getPhysicalInputPositions();
    }
}
