package io.trino.plugin.icedb;

import io.icedb.engine.commit.InsertLogBuilder;
import io.icedb.engine.commit.PlannedLog;
import io.icedb.engine.io.LocalFileIo;
import io.icedb.engine.lease.LeaseHandle;
import io.icedb.engine.lease.MaintenanceLease;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.spec.LogFileParser;
import io.icedb.engine.spec.Schema;
import io.trino.plugin.icedb.TestingGateFunctions.Gate;
import io.trino.plugin.icedb.maintenance.IcedbMaintenanceConfig;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_BAD_DATA;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_MAINTENANCE_LEASE_UNAVAILABLE;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_SCHEMA_CONFLICT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 11: no statement touches another table's objects, and concurrent statements never leave a table that SQL
 * cannot read or repair. Each test reproduces one of the numbered cases on a local warehouse.
 */
public class TestIcedbTableSafety
        extends AbstractTestQueryFramework
{
    private static final long DAY = 86_400_000L;

    private Path root;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        root = Files.createTempDirectory("icedb-safety");
        closeAfterClass(() -> deleteRecursively(root, ALLOW_INSECURE));
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setWorkerCount(2)
                .setLocalWarehouse(root)
                .addIcedbProperty("icedb.cleanup.min-retention", "1h")
                .addIcedbProperty("icedb.remove-orphan-files.min-retention", "1s")
                .build();
        queryRunner.installPlugin(TestingGateFunctions.plugin());
        queryRunner.execute("CREATE SCHEMA icedb.s");
        return queryRunner;
    }

    // case 1: overlapping locations

    @Test
    public void testLocationAtASchemaOrInsideATableIsRefused()
    {
        assertUpdate("CREATE SCHEMA icedb.victim");
        assertUpdate("CREATE TABLE victim.v2 (a integer)");
        assertUpdate("INSERT INTO victim.v2 VALUES 1, 2, 3", 3);
        List<String> victimFiles = files("victim");

        assertThat(query("CREATE TABLE s.evil (a integer) WITH (location = 'local:///victim')"))
                .failure().hasMessageContaining("Cannot create table s.evil at local:///victim: it is the directory of a schema");
        assertThat(query("CREATE TABLE s.evil WITH (location = 'local:///victim') AS SELECT 1 AS a"))
                .failure().hasMessageContaining("it is the directory of a schema");
        assertThat(query("CREATE TABLE s.evil (a integer) WITH (location = 'local:///victim/v2/_data')"))
                .failure().hasMessageContaining("Cannot create table s.evil at local:///victim/v2/_data: the location is inside the table at local:///victim/v2");
        assertThat(query("CREATE TABLE s.evil WITH (location = 'local:///victim/v2/_data/x') AS SELECT 1 AS a"))
                .failure().hasMessageContaining("the location is inside the table at local:///victim/v2");
        // a table placed inside another one by other means cannot be registered either
        TestingLocalTables.writeLog(root, "victim/v2/_data/inner", System.currentTimeMillis(), Map.of("a", "INTEGER"), List.of());
        assertThat(query("CALL icedb.system.register_table('s', 'evil', 'local:///victim/v2/_data/inner')"))
                .failure().hasMessageContaining("Cannot register table s.evil at local:///victim/v2/_data/inner: the location is inside the table at local:///victim/v2");
        deleteTree(root.resolve("victim/v2/_data/inner"));

        assertThat(computeActual("SHOW TABLES FROM s").getOnlyColumnAsSet()).doesNotContain("evil");
        assertThat(files("victim")).isEqualTo(victimFiles);
        assertThat(query("SELECT sum(a) FROM victim.v2")).matches("VALUES BIGINT '6'");
    }

    @Test
    public void testLocationEnclosingATableIsRefused()
    {
        assertUpdate("CREATE TABLE s.enclosed (a integer) WITH (location = 'local:///enc/inner')");
        assertUpdate("INSERT INTO s.enclosed VALUES 7", 1);
        assertThat(query("CREATE TABLE s.encloser (a integer) WITH (location = 'local:///enc')"))
                .failure().hasMessageContaining("Cannot create table s.encloser at local:///enc: the location encloses the table or schema at local:///enc/inner");
        // the warehouse root itself encloses every schema
        assertThat(query("CREATE TABLE s.encloser (a integer) WITH (location = 'local:///')"))
                .failure().hasMessageContaining("a table cannot be the whole bucket");
        // a Python table enclosing one of ours cannot be registered
        TestingLocalTables.writeLog(root, "enc", System.currentTimeMillis(), Map.of("a", "INTEGER"), List.of());
        assertThat(query("CALL icedb.system.register_table('s', 'encloser', 'local:///enc')"))
                .failure().hasMessageContaining("Cannot register table s.encloser at local:///enc: the location encloses the table or schema at local:///enc/inner");
        deleteTree(root.resolve("enc/_log"));
        assertThat(query("SELECT a FROM s.enclosed")).matches("VALUES 7");
    }

    @Test
    public void testNestedTableSurvivesOrphanRemovalAndDropOfTheOuterTable()
            throws IOException
    {
        assertUpdate("CREATE TABLE s.nest_outer (a integer) WITH (location = 'local:///nest')");
        assertUpdate("INSERT INTO s.nest_outer VALUES 1", 1);
        // a table that sits below the outer table's _data/ (as a Python table placed there would), with old objects
        FileMarker innerPart = TestingLocalTables.writePart(root, "nest/_data/inner", "", "SELECT 42 AS b", 1000);
        TestingLocalTables.writeLog(root, "nest/_data/inner", System.currentTimeMillis() - 30 * DAY, Map.of("b", "INTEGER"), List.of(innerPart));
        Files.createDirectories(root.resolve("nest/_data/inner/_icedb"));
        Files.write(root.resolve("nest/_data/inner/_icedb/properties.json"), "{}".getBytes(UTF_8));
        List<String> innerFiles = files("nest/_data/inner");
        assertThat(innerFiles).hasSize(3);
        ageFiles("nest/_data/inner", 30 * DAY);
        // and a real orphan of the outer table
        Files.write(root.resolve("nest/_data/orphan.parquet"), "orphan".getBytes(UTF_8));
        ageFiles("nest/_data/orphan.parquet", 30 * DAY);

        assertUpdate("CALL icedb.system.remove_orphan_files(schema_name => 's', table_name => 'nest_outer', retention_threshold => '1d')");
        assertThat(root.resolve("nest/_data/orphan.parquet")).doesNotExist();
        assertThat(files("nest/_data/inner")).isEqualTo(innerFiles);
        assertThat(query("SELECT a FROM s.nest_outer")).matches("VALUES 1");

        assertUpdate("DROP TABLE s.nest_outer");
        assertThat(computeActual("SHOW TABLES FROM s").getOnlyColumnAsSet()).doesNotContain("nest_outer");
        assertThat(files("nest/_data/inner")).isEqualTo(innerFiles);
        assertThat(files("nest")).isEqualTo(innerFiles);
        deleteTree(root.resolve("nest"));
    }

    // case 2: cleanup outside the table

    @Test
    public void testCleanupNeverDeletesAnotherTablesPart()
    {
        assertUpdate("CREATE SCHEMA icedb.c");
        assertUpdate("CREATE TABLE c.t16 (a integer)");
        assertUpdate("INSERT INTO c.t16 VALUES 16", 1);
        List<String> t16Parts = files("c/t16/_data");
        assertThat(t16Parts).hasSize(1);
        String foreignPart = t16Parts.getFirst();

        // c.t17: an insert, then a merged log that names c.t16's part as dead, both older than the retention
        long start = System.currentTimeMillis() - 10 * DAY;
        FileMarker own = TestingLocalTables.writePart(root, "c/t17", "", "SELECT 17 AS a", 1000);
        TestingLocalTables.writeLog(root, "c/t17", start, Map.of("a", "INTEGER"), List.of(own));
        FileMarker deadForeign = FileMarker.alive(foreignPart, 100, start).withTombstone(start + 1);
        byte[] merged = LogFileParser.write(new LogFile(start + 2, new Schema(Map.of("a", "INTEGER")), List.of(), List.of(own, deadForeign)));
        TestingLocalTables.writeRawLog(root, "c/t17", LogFileName.forWriter(start + 2, true, "test").fileName(), new String(merged, UTF_8));

        assertUpdate("CALL icedb.system.cleanup('c', 't17', '1d')");
        assertThat(root.resolve(foreignPart)).exists();
        assertThat(query("SELECT a FROM c.t16")).matches("VALUES 16");
        assertThat(query("SELECT a FROM c.t17")).matches("VALUES 17");
        // the marker is kept and the run reports it
        assertThat(computeScalar("SELECT metrics['foreign_parts_kept'] FROM c.\"t17$maintenance\" WHERE operation = 'cleanup'")).isEqualTo(1L);

        // dropping c.t17 deletes only its own objects
        assertUpdate("DROP TABLE c.t17");
        assertThat(root.resolve(foreignPart)).exists();
        assertThat(query("SELECT a FROM c.t16")).matches("VALUES 16");
    }

    // case 3: concurrent ADD COLUMN

    @Test
    public void testAddColumnWaitsForTheTableLease()
    {
        assertUpdate("CREATE TABLE s.addcol_wait (a integer)");
        LocalFileIo fileIo = new LocalFileIo(root);
        try (LeaseHandle _ = MaintenanceLease.acquire(fileIo, "s/addcol_wait", "other-node/query-3/add-column", Duration.ofMinutes(5), Clock.systemUTC())) {
            // a schema change serialises with every other holder of the table's lease: it waits (30 s), then gives up
            assertThat(query("ALTER TABLE s.addcol_wait ADD COLUMN y bigint"))
                    .failure()
                    .hasErrorCode(ICEDB_MAINTENANCE_LEASE_UNAVAILABLE)
                    .hasMessageContaining("held by 'other-node/query-3/add-column'");
        }
        assertThat(computeActual("SELECT column_name FROM information_schema.columns WHERE table_schema = 's' AND table_name = 'addcol_wait'").getOnlyColumnAsSet()).containsExactly("a");
        assertUpdate("ALTER TABLE s.addcol_wait ADD COLUMN y bigint");
        assertThat(computeActual("SELECT column_name FROM information_schema.columns WHERE table_schema = 's' AND table_name = 'addcol_wait'").getOnlyColumnAsSet()).containsExactlyInAnyOrder("a", "y");
    }

    @Test
    public void testAddColumnRechecksTheSchemaUnderTheLease()
            throws Exception
    {
        assertUpdate("CREATE TABLE s.addcol (a integer)");
        assertUpdate("INSERT INTO s.addcol VALUES 1", 1);
        LocalFileIo fileIo = new LocalFileIo(root);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<?> alter;
            try (LeaseHandle lease = MaintenanceLease.acquire(fileIo, "s/addcol", "other-statement/add-column", Duration.ofMinutes(1), Clock.systemUTC())) {
                alter = executor.submit(() -> getQueryRunner().execute("ALTER TABLE s.addcol ADD COLUMN y bigint"));
                // the lease holder adds y as VARCHAR meanwhile
                PlannedLog log = InsertLogBuilder.build("s/addcol", "otherstatement", System.currentTimeMillis(), new Schema(Map.of("a", "INTEGER", "y", "VARCHAR")), List.of());
                lease.commit(log.key(), LogFileParser.write(log.content()));
            }
            // refused by Trino's analysis (it ran after the commit) or by the connector's re-check under the lease
            assertThatThrownBy(alter::get)
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("Column 'y' already exists");
        }
        finally {
            executor.shutdownNow();
        }
        assertThat(query("SELECT a, y FROM s.addcol")).matches("VALUES (1, CAST(NULL AS varchar))");
        assertUpdate("INSERT INTO s.addcol VALUES (2, 'two')", 1);
        assertThat(query("SELECT count(*) FROM s.addcol")).matches("VALUES BIGINT '2'");
    }

    @Test
    public void testRacingAddColumnsOfDifferentTypes()
            throws Exception
    {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 3; round++) {
                String table = "s.add_race" + round;
                assertUpdate("CREATE TABLE %s (a integer)".formatted(table));
                List<Future<?>> alters = new ArrayList<>();
                for (String type : List.of("bigint", "varchar")) {
                    alters.add(executor.submit(() -> getQueryRunner().execute("ALTER TABLE %s ADD COLUMN y %s".formatted(table, type))));
                }
                int failed = 0;
                for (Future<?> alter : alters) {
                    try {
                        alter.get();
                    }
                    catch (ExecutionException e) {
                        failed++;
                        assertThat(e.getCause()).hasMessageContaining("Column 'y' already exists");
                    }
                }
                assertThat(failed).as(table).isEqualTo(1);
                assertThat(query("SELECT count(*) FROM " + table)).matches("VALUES BIGINT '0'");
            }
        }
        finally {
            executor.shutdownNow();
        }
    }

    @Test
    public void testDropTableWhoseLogsConflict()
    {
        assertUpdate("CREATE TABLE s.broken (a integer)");
        assertUpdate("INSERT INTO s.broken VALUES 1", 1);
        TestingLocalTables.writeLog(root, "s/broken", System.currentTimeMillis(), Map.of("a", "VARCHAR"), List.of());
        assertThat(query("SELECT * FROM s.broken")).failure().hasErrorCode(ICEDB_SCHEMA_CONFLICT);
        assertUpdate("DROP TABLE s.broken");
        assertThat(computeActual("SHOW TABLES FROM s").getOnlyColumnAsSet()).doesNotContain("broken");
        assertThat(root.resolve("s/broken")).doesNotExist();
    }

    // case 4: INSERT racing DROP TABLE

    @Test
    public void testInsertRacingDropTableFailsAndLeavesNoLog()
            throws Exception
    {
        assertUpdate("CREATE TABLE s.dropped_race (a bigint)");
        assertUpdate("INSERT INTO s.dropped_race VALUES 1", 1);
        Gate gate = TestingGateFunctions.gate("drop-race");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<?> insert = executor.submit(() -> getQueryRunner().execute("INSERT INTO s.dropped_race SELECT testing_gate('drop-race', x) FROM UNNEST(sequence(1, 100)) AS t(x)"));
            gate.awaitReached();
            assertUpdate("DROP TABLE s.dropped_race");
            gate.open();
            assertThatThrownBy(insert::get)
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("Table s.dropped_race (local:///s/dropped_race) was dropped, or dropped and created again, while the statement ran: nothing was committed");
        }
        finally {
            executor.shutdownNow();
        }
        assertThat(computeActual("SHOW TABLES FROM s").getOnlyColumnAsSet()).doesNotContain("dropped_race");
        assertThat(files("s/dropped_race")).isEmpty();
    }

    @Test
    public void testInsertRacingDropAndCreateFailsAndLeavesTheNewTableEmpty()
            throws Exception
    {
        assertUpdate("CREATE TABLE s.recreated_race (a bigint)");
        Gate gate = TestingGateFunctions.gate("recreate-race");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<?> insert = executor.submit(() -> getQueryRunner().execute("INSERT INTO s.recreated_race SELECT testing_gate('recreate-race', x) FROM UNNEST(sequence(1, 100)) AS t(x)"));
            gate.awaitReached();
            assertUpdate("DROP TABLE s.recreated_race");
            assertUpdate("CREATE TABLE s.recreated_race (a bigint)");
            gate.open();
            assertThatThrownBy(insert::get)
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("was dropped, or dropped and created again, while the statement ran");
        }
        finally {
            executor.shutdownNow();
        }
        assertThat(query("SELECT count(*) FROM s.recreated_race")).matches("VALUES BIGINT '0'");
        assertThat(files("s/recreated_race/_log")).hasSize(1);
        assertThat(files("s/recreated_race/_data")).isEmpty();
    }

    // case 5: a dead maintenance holder

    @Test
    public void testDeadMaintenanceHolderStopsBlockingWithinAboutAMinute()
    {
        assertUpdate("CREATE TABLE s.dead_holder (a integer)");
        assertUpdate("INSERT INTO s.dead_holder VALUES 1", 1);
        assertUpdate("INSERT INTO s.dead_holder VALUES 2", 1);
        LocalFileIo fileIo = new LocalFileIo(root);
        // a holder that took the lease with the default duration 75 s ago and then crashed (never renewed, never released)
        Duration leaseDuration = new IcedbMaintenanceConfig().getLeaseDuration().toJavaTime();
        Clock then = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-75));
        MaintenanceLease.acquire(fileIo, "s/dead_holder", "crashed-node/query-1/merge", leaseDuration, then);
        assertUpdate("CALL icedb.system.merge('s', 'dead_holder')");
        assertThat(query("SELECT sum(a) FROM s.dead_holder")).matches("VALUES BIGINT '3'");
    }

    @Test
    public void testLeaseErrorNamesTheHolderItsLastRenewalAndWhenItFrees()
    {
        assertUpdate("CREATE TABLE s.live_holder (a integer)");
        assertUpdate("INSERT INTO s.live_holder VALUES 1", 1);
        LocalFileIo fileIo = new LocalFileIo(root);
        Instant renewed = Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.MILLIS);
        Clock at = Clock.fixed(renewed, ZoneOffset.UTC);
        try (LeaseHandle _ = MaintenanceLease.acquire(fileIo, "s/live_holder", "busy-node/query-2/merge", Duration.ofMinutes(1), at)) {
            assertThat(query("CALL icedb.system.merge('s', 'live_holder')"))
                    .failure()
                    .hasMessageContaining("held by 'busy-node/query-2/merge'")
                    .hasMessageContaining("last renewed it at " + renewed)
                    .hasMessageContaining("the lease frees at " + renewed.plusSeconds(70));
        }
    }

    // case 7: parts that contradict the log

    @Test
    public void testPartContradictingTheLogIsNamed()
    {
        assertUpdate("CREATE TABLE s.contradicted (a bigint)");
        FileMarker part = TestingLocalTables.writePart(root, "s/contradicted", "", "SELECT 'text' AS a", 1000);
        TestingLocalTables.writeLog(root, "s/contradicted", System.currentTimeMillis(), Map.of("a", "BIGINT"), List.of(part));
        assertThat(query("SELECT * FROM s.contradicted"))
                .failure()
                .hasErrorCode(ICEDB_BAD_DATA)
                .hasMessageContaining("Part local:///" + part.path() + " of table s.contradicted contradicts the table's log");
    }

    private List<String> files(String prefix)
    {
        Path directory = root.resolve(prefix);
        if (!Files.exists(directory)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            return paths.filter(Files::isRegularFile)
                    .map(path -> root.relativize(path).toString())
                    .filter(key -> !key.contains(LocalFileIo.TEMP_DIRECTORY))
                    .sorted()
                    .toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void ageFiles(String prefix, long ageMillis)
            throws IOException
    {
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - ageMillis);
        try (Stream<Path> paths = Files.walk(root.resolve(prefix))) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(path, old);
            }
        }
    }

    private static void deleteTree(Path path)
    {
        try {
            deleteRecursively(path, ALLOW_INSECURE);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
