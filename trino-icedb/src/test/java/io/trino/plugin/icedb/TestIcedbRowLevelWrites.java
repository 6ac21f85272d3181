package io.trino.plugin.icedb;

import com.fasterxml.jackson.databind.JsonNode;
import io.icedb.engine.lease.LeaseHandle;
import io.icedb.engine.lease.MaintenanceLease;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileParser;
import io.trino.plugin.icedb.maintenance.S3TestingFileIo;
import io.trino.plugin.memory.MemoryPlugin;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.MaterializedResult;
import io.trino.testing.MaterializedRow;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * DELETE, UPDATE, MERGE and TRUNCATE on a two-node cluster over the in-JVM S3 server, whose store records every object
 * access: what a statement opened and wrote is counted at the storage.
 */
public class TestIcedbRowLevelWrites
        extends AbstractTestQueryFramework
{
    private static final String BUCKET = "dml";
    private static final String PYTHON_BUCKET = "dml-python";

    private TestingIcedbS3Server server;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        server = closeAfterClass(new TestingIcedbS3Server());
        server.createBucket(BUCKET);
        server.createBucket(PYTHON_BUCKET);
        server.uploadDirectory(IcedbFixtures.bucketDirectory(IcedbFixtures.BUCKET), PYTHON_BUCKET);
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setS3Warehouse(server, "s3://" + BUCKET)
                .build();
        queryRunner.installPlugin(new MemoryPlugin());
        queryRunner.createCatalog("memory", "memory");
        queryRunner.execute("CREATE SCHEMA icedb.dml");
        queryRunner.execute("CREATE SCHEMA icedb.py");
        return queryRunner;
    }

    @Test
    public void testTruncateOpensNoPart()
    {
        assertUpdate("CREATE TABLE dml.truncated (id bigint, region varchar) WITH (partitioning = ARRAY['region'])");
        assertUpdate("INSERT INTO dml.truncated VALUES (1, 'eu'), (2, 'us')", 2);
        assertUpdate("INSERT INTO dml.truncated VALUES (3, 'eu')", 1);
        long before = latestVersion("dml.truncated");

        int accessed = server.accesses().size();
        assertUpdate("TRUNCATE TABLE dml.truncated");
        assertNoPartAccessed(accessed, BUCKET + "/dml/truncated/");

        assertThat(query("SELECT count(*) FROM dml.truncated")).matches("VALUES BIGINT '0'");
        assertThat(query("SELECT id FROM dml.truncated FOR VERSION AS OF " + before)).matches("VALUES BIGINT '1', 2, 3");
        assertThat(query("SELECT merged, added_parts, removed_parts FROM dml.\"truncated$log\" ORDER BY \"timestamp\" DESC LIMIT 1"))
                .matches("VALUES (true, BIGINT '0', BIGINT '3')");
        assertThat(query("SELECT operation, element_at(metrics, 'parts_removed') FROM dml.\"truncated$maintenance\""))
                .matches("VALUES (VARCHAR 'truncate', BIGINT '3')");
        // the table keeps working
        assertUpdate("INSERT INTO dml.truncated VALUES (4, 'us')", 1);
        assertThat(query("SELECT id, region FROM dml.truncated")).matches("VALUES (BIGINT '4', VARCHAR 'us')");
        assertStrictLogs("dml/truncated");
    }

    @Test
    public void testPartitionDeleteOpensNoPart()
            throws Exception
    {
        assertUpdate("CREATE TABLE dml.by_region (id bigint, region varchar, v varchar) WITH (partitioning = ARRAY['region'])");
        assertUpdate("INSERT INTO dml.by_region VALUES (1, 'eu', 'a'), (2, 'us', 'b'), (3, 'asia', 'c')", 3);
        assertUpdate("INSERT INTO dml.by_region VALUES (4, 'eu', 'd'), (5, 'us', 'e')", 2);
        long before = latestVersion("dml.by_region");

        int accessed = server.accesses().size();
        getQueryRunner().execute("DELETE FROM dml.by_region WHERE region = 'eu'");
        assertNoPartAccessed(accessed, BUCKET + "/dml/by_region/");
        assertThat(query("SELECT id, region, v FROM dml.by_region")).matches("VALUES (BIGINT '2', VARCHAR 'us', VARCHAR 'b'), (3, 'asia', 'c'), (5, 'us', 'e')");

        // the merged log lists every part of its source logs: the others' markers carried forward, alive
        LogFile mergedLog = newestLog("dml/by_region");
        assertThat(mergedLog.logTombstones()).hasSize(2);
        Map<String, Boolean> alive = mergedLog.fileMarkers().stream().collect(Collectors.toMap(FileMarker::path, FileMarker::isAlive));
        assertThat(alive).hasSize(5);
        alive.forEach((path, isAlive) -> assertThat(isAlive).as(path).isEqualTo(!path.contains("/region=eu/")));

        // by $partition too
        accessed = server.accesses().size();
        getQueryRunner().execute("DELETE FROM dml.by_region WHERE \"$partition\" = 'region=us'");
        assertNoPartAccessed(accessed, BUCKET + "/dml/by_region/");
        assertThat(query("SELECT id FROM dml.by_region")).matches("VALUES BIGINT '3'");
        assertThat(query("SELECT id FROM dml.by_region FOR VERSION AS OF " + before)).matches("VALUES BIGINT '1', 2, 3, 4, 5");
        assertStrictLogs("dml/by_region");
    }

    @Test
    public void testRowLevelChangesRewriteOnlyAffectedParts()
            throws Exception
    {
        assertUpdate("CREATE TABLE dml.sorted (id bigint, grp varchar, v bigint) WITH (partitioning = ARRAY['grp'], sorted_by = ARRAY['v'])");
        assertUpdate("INSERT INTO dml.sorted VALUES (1, 'a', 30), (2, 'a', 10), (3, 'b', 20)", 3);
        assertUpdate("INSERT INTO dml.sorted VALUES (4, 'a', 5), (5, 'b', 1)", 2);
        Set<Object> partsBefore = computeActual("SELECT path FROM dml.\"sorted$files\"").getOnlyColumnAsSet();
        Object untouched = computeActual("SELECT DISTINCT \"$path\" FROM dml.sorted WHERE id = 4").getOnlyValue();

        assertUpdate("UPDATE dml.sorted SET v = 40 WHERE id = 2", 1);
        assertThat(query("SELECT id, grp, v FROM dml.sorted")).matches("VALUES (BIGINT '1', VARCHAR 'a', BIGINT '30'), (2, 'a', 40), (3, 'b', 20), (4, 'a', 5), (5, 'b', 1)");
        Set<Object> partsAfter = computeActual("SELECT path FROM dml.\"sorted$files\"").getOnlyColumnAsSet();
        // the part of rows 1 and 2 is rewritten (row 1 kept, sorted) and the new row 2 is a part of its own; the others stay
        assertThat(partsAfter).contains(untouched);
        assertThat(partsBefore.stream().filter(partsAfter::contains).count()).isEqualTo(3);
        assertThat(partsAfter).hasSize(5);
        assertThat(query("SELECT merged, added_parts, removed_parts FROM dml.\"sorted$log\" ORDER BY \"timestamp\" DESC LIMIT 1"))
                .matches("VALUES (true, BIGINT '2', BIGINT '1')");

        assertUpdate("DELETE FROM dml.sorted WHERE v < 10", 2);
        assertThat(query("SELECT id FROM dml.sorted")).matches("VALUES BIGINT '1', 2, 3");

        assertUpdate("""
                MERGE INTO dml.sorted t USING (VALUES (1, 'a', -1), (3, 'b', 99), (7, 'b', 70)) AS s(id, grp, v) ON t.id = s.id
                WHEN MATCHED AND s.v < 0 THEN DELETE
                WHEN MATCHED THEN UPDATE SET v = s.v
                WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.grp, s.v)""", 3);
        assertThat(query("SELECT id, grp, v FROM dml.sorted")).matches("VALUES (BIGINT '2', VARCHAR 'a', BIGINT '40'), (3, 'b', 99), (7, 'b', 70)");

        // a rewritten part is written sorted by sorted_by, like every part
        assertUpdate("INSERT INTO dml.sorted VALUES (8, 'a', 50), (9, 'a', 45), (10, 'a', 41)", 3);
        assertUpdate("DELETE FROM dml.sorted WHERE id = 9", 1);
        String rewritten = (String) computeScalar("SELECT \"$path\" FROM dml.sorted WHERE id = 10");
        assertThat(duckDbRows(List.of(rewritten), "SELECT v FROM parts")).containsExactly(List.of("41"), List.of("50"));
        assertStrictLogs("dml/sorted");
    }

    @Test
    public void testRowLevelStatementsTakeTheLease()
    {
        assertUpdate("CREATE TABLE dml.leased (id bigint)");
        assertUpdate("INSERT INTO dml.leased VALUES 1, 2, 3", 3);
        S3TestingFileIo fileIo = new S3TestingFileIo(server.client(), BUCKET);
        try (LeaseHandle _ = MaintenanceLease.acquire(fileIo, "dml/leased", "other-cluster/query-1", Duration.ofMinutes(5), Clock.systemUTC())) {
            for (String statement : List.of(
                    "DELETE FROM dml.leased WHERE id = 1",
                    "UPDATE dml.leased SET id = 5 WHERE id = 2",
                    "MERGE INTO dml.leased t USING (VALUES 3) AS s(id) ON t.id = s.id WHEN MATCHED THEN DELETE",
                    "TRUNCATE TABLE dml.leased",
                    "CREATE OR REPLACE TABLE dml.leased AS SELECT BIGINT '9' AS id")) {
                assertThat(query(statement)).failure()
                        .as(statement)
                        .hasMessageMatching("(?s).*(another maintenance operation is running on the table|a concurrent statement holds its lease).*");
            }
            // inserts never take it
            assertUpdate("INSERT INTO dml.leased VALUES 4", 1);
            assertThat(query("SELECT id FROM dml.leased")).matches("VALUES BIGINT '1', 2, 3, 4");
        }
        assertUpdate("DELETE FROM dml.leased WHERE id = 1", 1);
        assertThat(query("SELECT id FROM dml.leased")).matches("VALUES BIGINT '2', 3, 4");
    }

    @Test
    public void testConcurrentInsertsAreNeverLost()
            throws Exception
    {
        assertUpdate("CREATE TABLE dml.busy (id bigint, v bigint)");
        assertUpdate("INSERT INTO dml.busy SELECT x, x FROM UNNEST(sequence(1, 100)) AS t(x)", 100);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<?> inserts = executor.submit(() -> {
                for (int insert = 0; insert < 8; insert++) {
                    getQueryRunner().execute("INSERT INTO dml.busy VALUES (%s, 0)".formatted(1000 + insert));
                }
            });
            for (int round = 0; round < 4; round++) {
                getQueryRunner().execute("UPDATE dml.busy SET v = v + 1 WHERE id < 1000");
                getQueryRunner().execute("DELETE FROM dml.busy WHERE id < 1000 AND id %% 4 = %s".formatted(round));
            }
            inserts.get();
        }
        finally {
            executor.shutdownNow();
        }
        assertThat(query("SELECT id, v FROM dml.busy")).matches("SELECT BIGINT '1000' + x, BIGINT '0' FROM UNNEST(sequence(0, 7)) AS t(x)");
    }

    @Test
    public void testGdprDeleteOfOneUserAcrossAllPartitions()
            throws Exception
    {
        assertUpdate("CREATE TABLE dml.events (id bigint, user_id varchar, day date, amount bigint) WITH (partitioning = ARRAY['day'])");
        for (int insert = 0; insert < 4; insert++) {
            assertUpdate("""
                    INSERT INTO dml.events
                    SELECT %1$s * 100 + x, 'user_' || CAST(x %% 5 AS varchar), DATE '2026-01-01' + x %% 3 * INTERVAL '1' DAY, x * 7
                    FROM UNNEST(sequence(1, 20)) AS t(x)""".formatted(insert), 20);
        }
        long before = latestVersion("dml.events");
        MaterializedResult all = computeActual("SELECT id, user_id, day, amount FROM dml.events");
        long userRows = (long) computeScalar("SELECT count(*) FROM dml.events WHERE user_id = 'user_3'");
        assertThat(computeScalar("SELECT count(DISTINCT day) FROM dml.events WHERE user_id = 'user_3'")).isEqualTo(3L);

        assertUpdate("DELETE FROM dml.events WHERE user_id = 'user_3'", userRows);

        assertThat(query("SELECT count(*) FROM dml.events WHERE user_id = 'user_3'")).matches("VALUES BIGINT '0'");
        // every other row intact
        assertThat(query("SELECT id, user_id, day, amount FROM dml.events"))
                .matches("SELECT id, user_id, day, amount FROM dml.events FOR VERSION AS OF %s WHERE user_id <> 'user_3'".formatted(before));
        assertThat(computeActual("SELECT id, user_id, day, amount FROM dml.events FOR VERSION AS OF " + before).getMaterializedRows())
                .containsExactlyInAnyOrderElementsOf(all.getMaterializedRows());
        assertStrictLogs("dml/events");

        // DuckDB reads the live parts with the rows Trino reads
        List<String> parts = computeActual("SELECT path FROM dml.\"events$files\"").getOnlyColumnAsSet().stream().map(String.class::cast).toList();
        List<List<String>> duckDb = duckDbRows(parts, "SELECT CAST(id AS VARCHAR), user_id, CAST(day AS VARCHAR), CAST(amount AS VARCHAR) FROM parts ORDER BY id");
        List<List<String>> trino = new ArrayList<>();
        for (MaterializedRow row : computeActual("SELECT CAST(id AS varchar), user_id, CAST(day AS varchar), CAST(amount AS varchar) FROM dml.events ORDER BY id").getMaterializedRows()) {
            trino.add(row.getFields().stream().map(String::valueOf).toList());
        }
        assertThat(duckDb).isEqualTo(trino);
        assertThat(duckDb).hasSize(80 - (int) userRows);
    }

    @Test
    public void testPythonTableWithHiveKeys()
    {
        String table = registerPythonTable("readme");
        long before = latestVersion(table);
        assertFixturePointsRead("readme", table);

        int accessed = server.accesses().size();
        getQueryRunner().execute("DELETE FROM %s WHERE u = 'user_b'".formatted(table));
        assertNoPartAccessed(accessed, PYTHON_BUCKET + "/readme/");
        assertThat(query("SELECT ts, event, user_id, properties, u, d FROM " + table))
                .matches("SELECT ts, event, user_id, properties, u, d FROM %s FOR VERSION AS OF %s WHERE u <> 'user_b'".formatted(table, before));
        // the history still reads as Python wrote it
        assertFixturePointsRead("readme", table);

        assertUpdate("UPDATE %s SET event = 'renamed' WHERE ts = 1686176939445".formatted(table), 1);
        assertThat(query("SELECT event, u, d, \"$partition\" FROM %s WHERE ts = 1686176939445".formatted(table)))
                .matches("VALUES (VARCHAR 'renamed', VARCHAR 'user_a', VARCHAR '2023-06-07', VARCHAR 'u=user_a/d=2023-06-07')");
        assertThat(query("SELECT count(*) FROM " + table)).matches("SELECT count(*) FROM %s FOR VERSION AS OF %s WHERE u <> 'user_b'".formatted(table, before));
        assertStrictLogs("readme", PYTHON_BUCKET);
    }

    @Test
    public void testPythonTableWithColumnsMissingFromParts()
    {
        String table = registerPythonTable("schema_evolution");
        long before = latestVersion(table);
        MaterializedResult rows = computeActual("SELECT ts, event, user_id, plan, meta, tags, extra, score, u FROM " + table);
        assertThat(rows.getRowCount()).isEqualTo(7);

        // a row of the first insert (its part lacks the later columns) and one of the last
        long firstTs = (long) computeScalar("SELECT min(ts) FROM %s WHERE plan IS NULL AND u = 'a'".formatted(table));
        assertUpdate("UPDATE %s SET plan = 'pro' WHERE ts = %s".formatted(table, firstTs), 1);
        long deleted = (long) computeScalar("SELECT count(*) FROM %s WHERE score IS NOT NULL AND u = 'b'".formatted(table));
        assertThat(deleted).isPositive();
        assertUpdate("DELETE FROM %s WHERE score IS NOT NULL AND u = 'b'".formatted(table), deleted);

        assertThat(query("SELECT ts, event, user_id, plan, meta, tags, extra, score, u FROM " + table))
                .matches("""
                        SELECT ts, event, user_id, CASE WHEN ts = %3$s THEN 'pro' ELSE plan END, meta, tags, extra, score, u
                        FROM %1$s FOR VERSION AS OF %2$s WHERE NOT (score IS NOT NULL AND u = 'b')""".formatted(table, before, firstTs));
        assertFixturePointsRead("schema_evolution", table);
        assertStrictLogs("schema_evolution", PYTHON_BUCKET);
    }

    @Test
    public void testPythonTableRowLevelDeleteKeepsPartitionPaths()
    {
        // cust is a column and a Hive key, d only a key: the kept rows go back to the partitions they came from
        String table = registerPythonTable("many_inserts_merge_cleanup");
        long before = latestVersion(table);
        long deleted = (long) computeScalar("SELECT count(*) FROM %s WHERE n %% 2 = 0".formatted(table));
        assertThat(deleted).isPositive();
        assertUpdate("DELETE FROM %s WHERE n %% 2 = 0".formatted(table), deleted);
        assertThat(query("SELECT ts, event, cust, n, val, props, d, \"$partition\" FROM " + table))
                .matches("SELECT ts, event, cust, n, val, props, d, \"$partition\" FROM %s FOR VERSION AS OF %s WHERE n %% 2 <> 0".formatted(table, before));
        assertFixturePointsRead("many_inserts_merge_cleanup", table);
        assertStrictLogs("many_inserts_merge_cleanup", PYTHON_BUCKET);
    }

    @Test
    public void testStressAgainstMemoryConnector()
    {
        // the memory connector has no DELETE, UPDATE or MERGE: each step's reference is a new table selected from the last
        assertUpdate("CREATE TABLE dml.stress (id bigint, grp varchar, v bigint) WITH (partitioning = ARRAY['grp'], sorted_by = ARRAY['id'])");
        assertUpdate("CREATE TABLE memory.default.ref_0 (id bigint, grp varchar, v bigint)");
        Random random = new Random(20261202);
        int nextId = 0;
        for (int step = 0; step < 30; step++) {
            String statement;
            String reference;
            switch (random.nextInt(9)) {
                case 0, 1 -> {
                    int count = 5 + random.nextInt(20);
                    String rows = "SELECT %s + x AS id, 'g' || CAST(x %% 4 AS varchar) AS grp, x * %s AS v FROM UNNEST(sequence(1, %s)) AS t(x)".formatted(nextId, 1 + random.nextInt(9), count);
                    nextId += count;
                    statement = "INSERT INTO {t} " + rows;
                    reference = "SELECT * FROM {t} UNION ALL " + rows;
                }
                case 2 -> {
                    String predicate = "v %% 7 = %s".formatted(random.nextInt(7));
                    statement = "DELETE FROM {t} WHERE " + predicate;
                    reference = "SELECT * FROM {t} WHERE NOT (" + predicate + ")";
                }
                case 3 -> {
                    String predicate = "grp = 'g%s'".formatted(random.nextInt(4));
                    statement = "DELETE FROM {t} WHERE " + predicate;
                    reference = "SELECT * FROM {t} WHERE NOT (" + predicate + ")";
                }
                case 4 -> {
                    String predicate = "id %% 5 = %s".formatted(random.nextInt(5));
                    int delta = random.nextInt(100);
                    statement = "UPDATE {t} SET v = v + %s WHERE %s".formatted(delta, predicate);
                    reference = "SELECT id, grp, CASE WHEN %s THEN v + %s ELSE v END AS v FROM {t}".formatted(predicate, delta);
                }
                case 5 -> {
                    String predicate = "id %% 11 = %s".formatted(random.nextInt(11));
                    String group = "g" + random.nextInt(4);
                    statement = "UPDATE {t} SET grp = '%s' WHERE %s".formatted(group, predicate);
                    reference = "SELECT id, CASE WHEN %s THEN '%s' ELSE grp END AS grp, v FROM {t}".formatted(predicate, group);
                }
                case 6 -> {
                    String source = "(SELECT %s * x AS id, 'g1' AS grp, CAST(x - 3 AS bigint) AS v FROM UNNEST(sequence(1, 8)) AS u(x))".formatted(1 + random.nextInt(6));
                    statement = """
                            MERGE INTO {t} t USING %s s ON t.id = s.id
                            WHEN MATCHED AND s.v < 0 THEN DELETE
                            WHEN MATCHED THEN UPDATE SET v = s.v
                            WHEN NOT MATCHED THEN INSERT VALUES (s.id + 100000, s.grp, s.v)""".formatted(source);
                    reference = """
                            SELECT t.id, t.grp, coalesce(s.v, t.v) AS v FROM {t} t LEFT JOIN %1$s s ON t.id = s.id WHERE s.id IS NULL OR s.v >= 0
                            UNION ALL
                            SELECT s.id + 100000, s.grp, s.v FROM %1$s s WHERE s.id NOT IN (SELECT id FROM {t})""".formatted(source);
                }
                case 7 -> {
                    statement = random.nextBoolean() ? "CALL icedb.system.merge('dml', 'stress')" : "ALTER TABLE {t} EXECUTE merge";
                    reference = "SELECT * FROM {t}";
                }
                default -> {
                    if (random.nextInt(4) == 0) {
                        statement = "TRUNCATE TABLE {t}";
                        reference = "SELECT * FROM {t} WHERE false";
                    }
                    else {
                        String predicate = "id %% 13 = %s".formatted(random.nextInt(13));
                        statement = "DELETE FROM {t} WHERE " + predicate;
                        reference = "SELECT * FROM {t} WHERE NOT (" + predicate + ")";
                    }
                }
            }
            getQueryRunner().execute(statement.replace("{t}", "icedb.dml.stress"));
            getQueryRunner().execute("CREATE TABLE memory.default.ref_%s AS %s".formatted(step + 1, reference.replace("{t}", "memory.default.ref_" + step)));
            getQueryRunner().execute("DROP TABLE memory.default.ref_" + step);
            assertThat(query("SELECT id, grp, v FROM icedb.dml.stress"))
                    .as("after step %s: %s", step, statement)
                    .matches("SELECT id, grp, v FROM memory.default.ref_" + (step + 1));
        }
        assertThat(computeScalar("SELECT count(*) FROM dml.\"stress$log\" WHERE merged")).isNotEqualTo(0L);
        assertStrictLogs("dml/stress");
    }

    @Test
    public void testReadmeExamples()
            throws Exception
    {
        // the README's block, statement by statement, as written
        String readme = Files.readString(Path.of("../README.md"));
        int heading = readme.indexOf("### Changing rows");
        int start = readme.indexOf("```sql\n", heading) + "```sql\n".length();
        String block = readme.substring(start, readme.indexOf("```", start));
        List<String> statements = new ArrayList<>();
        for (String statement : block.split(";")) {
            String withoutComments = statement.lines().filter(line -> !line.strip().startsWith("--")).collect(Collectors.joining("\n")).strip();
            if (!withoutComments.isEmpty()) {
                statements.add(withoutComments);
            }
        }
        assertThat(statements).hasSize(11);
        for (String statement : statements.subList(0, 9)) {
            getQueryRunner().execute(statement);
        }
        assertThat(query("SELECT id, customer, status FROM icedb.shop.orders")).matches("VALUES (BIGINT '5', VARCHAR 'dave', VARCHAR 'open')");
        assertThat(query("SELECT count(*) FROM icedb.shop.\"orders$log\" WHERE merged")).matches("VALUES BIGINT '4'");
        for (String statement : statements.subList(9, 11)) {
            getQueryRunner().execute(statement);
        }
        assertThat(query("SELECT id, customer, status, amount, day, note FROM icedb.shop.orders"))
                .matches("SELECT orderkey, 'customer' || CAST(custkey AS varchar), CAST(orderstatus AS varchar), totalprice, orderdate, CAST(comment AS varchar) FROM tpch.tiny.orders WHERE orderdate >= DATE '1998-07-01'");
        assertThat(query("SELECT operation FROM icedb.shop.\"orders$maintenance\""))
                .matches("VALUES VARCHAR 'delete', 'delete', 'update', 'delete', 'truncate', 'replace'");
    }

    private String registerPythonTable(String fixture)
    {
        String table = "py." + fixture;
        assertUpdate("CALL icedb.system.register_table('py', '%s', 's3://%s/%s')".formatted(fixture, PYTHON_BUCKET, fixture));
        return table;
    }

    /**
     * Every time point of the fixture's history reads as Python read it.
     */
    private void assertFixturePointsRead(String fixture, String table)
    {
        JsonNode expectations = IcedbFixtures.expectations(fixture);
        for (JsonNode point : expectations.get("points")) {
            JsonNode state = point.get("final");
            if (state.hasNonNull("error")) {
                continue;
            }
            Map<String, String> schema = new LinkedHashMap<>();
            state.get("schema").fields().forEachRemaining(entry -> schema.put(entry.getKey(), entry.getValue().asText()));
            String columns = schema.keySet().stream().map(name -> "\"" + name + "\"").collect(Collectors.joining(", "));
            List<List<Object>> rows = new ArrayList<>();
            for (MaterializedRow row : computeActual("SELECT %s FROM %s FOR VERSION AS OF %s".formatted(columns, table, point.get("t_ms").asLong() - 1)).getMaterializedRows()) {
                rows.add(row.getFields());
            }
            assertThat(ExpectedRowFormat.sha256(ExpectedRowFormat.formatRows(schema, rows)))
                    .as("%s at %s", fixture, point.get("t_ms"))
                    .isEqualTo(state.get("rows_sha256").asText());
        }
    }

    private long latestVersion(String table)
    {
        String[] parts = table.split("\\.");
        return (long) computeScalar("SELECT CAST(to_unixtime(max(\"timestamp\")) * 1000 AS bigint) FROM %s.\"%s$log\"".formatted(parts[0], parts[1]));
    }

    /**
     * Since the {@code start}-th access (tests of this class run concurrently: only the table's own keys count), no
     * object under the table's {@code _data/} was read or written, and one merged log was written.
     */
    private void assertNoPartAccessed(int start, String tableKeyPrefix)
    {
        List<String> accesses = server.accesses();
        List<String> table = accesses.subList(start, accesses.size()).stream()
                .filter(access -> access.substring(access.indexOf(' ') + 1).startsWith(tableKeyPrefix))
                .toList();
        assertThat(table).filteredOn(access -> access.contains("/_data/")).isEmpty();
        // one new merged log (a loaded machine may deliver a retried request of an earlier commit late: count new keys only)
        Set<String> earlier = Set.copyOf(accesses.subList(0, start));
        assertThat(table.stream().filter(access -> access.startsWith("PUT ") && access.contains("/_log/") && access.contains("_m_") && !earlier.contains(access)).distinct())
                .hasSize(1);
    }

    private void assertStrictLogs(String prefix)
    {
        assertStrictLogs(prefix, BUCKET);
    }

    /**
     * Every log parses and re-encodes to its exact bytes (the Python-compatible encoding).
     */
    private void assertStrictLogs(String prefix, String bucket)
    {
        List<String> keys = server.listKeys(bucket, prefix + "/_log/");
        assertThat(keys).isNotEmpty();
        for (String key : keys) {
            byte[] content = server.client().getObjectAsBytes(request -> request.bucket(bucket).key(key)).asByteArray();
            assertThat(LogFileParser.write(LogFileParser.parse(key, content))).as(key).isEqualTo(content);
        }
    }

    private LogFile newestLog(String prefix)
    {
        List<String> keys = server.listKeys(BUCKET, prefix + "/_log/").stream().sorted().toList();
        String key = keys.getLast();
        return LogFileParser.parse(key, server.client().getObjectAsBytes(request -> request.bucket(BUCKET).key(key)).asByteArray());
    }

    /**
     * The parts (s3:// locations) downloaded and read by DuckDB as the view {@code parts}.
     */
    private List<List<String>> duckDbRows(List<String> locations, String query)
            throws Exception
    {
        Path directory = Files.createTempDirectory("icedb-dml-duckdb");
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = connection.createStatement()) {
            List<String> files = new ArrayList<>();
            for (String location : locations) {
                String withoutScheme = location.substring("s3://".length());
                String bucket = withoutScheme.substring(0, withoutScheme.indexOf('/'));
                String key = withoutScheme.substring(bucket.length() + 1);
                Path file = directory.resolve(files.size() + ".parquet");
                Files.write(file, server.client().getObjectAsBytes(request -> request.bucket(bucket).key(key)).asByteArray());
                files.add("'" + file + "'");
            }
            statement.execute("CREATE VIEW parts AS SELECT * FROM read_parquet([%s], union_by_name = true, hive_partitioning = false)".formatted(String.join(", ", files)));
            List<List<String>> rows = new ArrayList<>();
            try (ResultSet resultSet = statement.executeQuery(query)) {
                int columns = resultSet.getMetaData().getColumnCount();
                while (resultSet.next()) {
                    List<String> row = new ArrayList<>();
                    for (int column = 1; column <= columns; column++) {
                        row.add(resultSet.getString(column));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
        finally {
            deleteRecursively(directory, ALLOW_INSECURE);
        }
    }
}
