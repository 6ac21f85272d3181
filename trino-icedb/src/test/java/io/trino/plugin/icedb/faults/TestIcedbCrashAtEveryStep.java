package io.trino.plugin.icedb.faults;

import com.google.common.collect.ImmutableMap;
import io.airlift.log.Logger;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileParser;
import io.trino.Session;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.filesystem.s3.S3FileSystemFactory;
import io.trino.plugin.icedb.IcedbConnectorFactory;
import io.trino.plugin.icedb.TestingIcedbS3Server;
import io.trino.plugin.icedb.faults.CrashingFileSystemFactory.When;
import io.trino.plugin.tpch.TpchPlugin;
import io.trino.spi.Plugin;
import io.trino.spi.connector.ConnectorFactory;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.DistributedQueryRunner;
import io.trino.testing.MaterializedRow;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static com.google.common.util.concurrent.Uninterruptibles.sleepUninterruptibly;
import static io.trino.testing.TestingSession.testSessionBuilder;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.parallel.ExecutionMode.SAME_THREAD;

/**
 * Crash-at-every-step: for each statement, count the storage changes it makes (creates, overwrites, deletes), then for
 * every step k run it again on a fresh table with the process "crashing" before, and after, the k-th change
 * ({@link CrashingFileSystemFactory}: from the crash on, every storage access fails, so nothing the statement would do
 * later happens). After each crash a fresh reader must see the table exactly as before the statement or exactly as
 * after it, and maintenance (merge, cleanup, remove_orphan_files, once the crashed holder's short lease has expired)
 * must bring it to a clean state: it reads the same, every object under its prefix is a log, a part a log names alive,
 * or table metadata under {@code _icedb/}.
 */
// heavy: 108 (operation, step) crashes, each followed by a fresh read and maintenance
@Tag("heavy")
@Execution(SAME_THREAD)
public class TestIcedbCrashAtEveryStep
        extends AbstractTestQueryFramework
{
    private static final Logger log = Logger.get(TestIcedbCrashAtEveryStep.class);
    private static final String BUCKET = "crash";
    private static final String SCHEMA = "cr";
    private static final AtomicInteger TOTAL_CASES = new AtomicInteger();
    private static final boolean EVERY_SIDE = Boolean.getBoolean("icedb.crash.every-side");

    private TestingIcedbS3Server server;
    private CrashingFileSystemFactory fileSystem;
    private int tableNumber;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        server = closeAfterClass(new TestingIcedbS3Server());
        server.createBucket(BUCKET);
        S3FileSystemFactory s3FileSystemFactory = server.fileSystemFactory();
        closeAfterClass(s3FileSystemFactory::destroy);
        fileSystem = new CrashingFileSystemFactory(s3FileSystemFactory);

        Session session = testSessionBuilder().setCatalog("icedb").setSchema(SCHEMA).build();
        DistributedQueryRunner queryRunner = DistributedQueryRunner.builder(session).setWorkerCount(1).build();
        try {
            queryRunner.installPlugin(new TpchPlugin());
            queryRunner.createCatalog("tpch", "tpch");
            queryRunner.installPlugin(new Plugin()
            {
                @Override
                public Iterable<ConnectorFactory> getConnectorFactories()
                {
                    return List.of(new IcedbConnectorFactory(Optional.of(binder -> binder.bind(TrinoFileSystemFactory.class).toInstance(fileSystem))));
                }
            });
            queryRunner.createCatalog("icedb", "icedb", ImmutableMap.<String, String>builder()
                    .put("icedb.warehouse", "s3://" + BUCKET + "/warehouse")
                    .put("icedb.cleanup.min-retention", "0s")
                    .put("icedb.remove-orphan-files.min-retention", "0s")
                    // a crashed holder's lease frees 1 s after its last renewal
                    .put("icedb.maintenance.lease-duration", "1s")
                    .put("icedb.maintenance.lease-clock-skew-allowance", "0s")
                    .buildOrThrow());
            queryRunner.execute("CREATE SCHEMA icedb." + SCHEMA);
            return queryRunner;
        }
        catch (Throwable e) {
            queryRunner.close();
            throw e;
        }
    }

    @Test
    public void testInsert()
    {
        crashAtEveryStep("INSERT",
                table -> {
                    createWithRows(table, 1, 10);
                },
                table -> "INSERT INTO %s SELECT x, 'row ' || CAST(x AS varchar) FROM UNNEST(sequence(11, 20)) AS t(x)".formatted(table));
    }

    @Test
    public void testCreateTableAsSelect()
    {
        crashAtEveryStep("CREATE TABLE AS",
                _ -> {},
                table -> "CREATE TABLE %s WITH (partitioning = ARRAY['bucket(id, 2)']) AS SELECT x AS id, 'row ' || CAST(x AS varchar) AS payload FROM UNNEST(sequence(1, 20)) AS t(x)".formatted(table));
    }

    @Test
    public void testAddColumn()
    {
        crashAtEveryStep("ADD COLUMN",
                table -> createWithRows(table, 1, 10),
                table -> "ALTER TABLE %s ADD COLUMN note varchar".formatted(table));
    }

    @Test
    public void testDropTable()
    {
        crashAtEveryStep("DROP TABLE",
                table -> {
                    createWithRows(table, 1, 10);
                    insertRows(table, 11, 20);
                },
                table -> "DROP TABLE " + table);
    }

    @Test
    public void testCallMerge()
    {
        crashAtEveryStep("CALL merge",
                this::createWithThreeInserts,
                table -> "CALL icedb.system.merge('%s', '%s')".formatted(SCHEMA, table));
    }

    @Test
    public void testExecuteMerge()
    {
        crashAtEveryStep("ALTER TABLE EXECUTE merge",
                this::createWithThreeInserts,
                table -> "ALTER TABLE %s EXECUTE merge".formatted(table));
    }

    @Test
    public void testCleanup()
    {
        crashAtEveryStep("CALL cleanup",
                table -> {
                    createWithThreeInserts(table);
                    getQueryRunner().execute("CALL icedb.system.merge('%s', '%s')".formatted(SCHEMA, table));
                },
                table -> "CALL icedb.system.cleanup('%s', '%s', '0s')".formatted(SCHEMA, table));
    }

    @Test
    public void testRemoveOrphanFiles()
    {
        crashAtEveryStep("CALL remove_orphan_files",
                table -> {
                    createWithRows(table, 1, 10);
                    // two objects under _data/ that no log names
                    server.putObject(BUCKET, prefix(table) + "_data/orphan-1.parquet", new byte[] {1, 2, 3});
                    server.putObject(BUCKET, prefix(table) + "_data/x=1/orphan-2.parquet", new byte[] {4, 5, 6});
                },
                table -> "CALL icedb.system.remove_orphan_files(schema_name => '%s', table_name => '%s', retention_threshold => '0s')".formatted(SCHEMA, table));
    }

    private interface Setup
    {
        void prepare(String table);
    }

    private interface Statement
    {
        String sql(String table);
    }

    private void crashAtEveryStep(String operation, Setup setup, Statement statement)
    {
        // count the steps, and learn the states before and after
        String counted = nextTable();
        setup.prepare(counted);
        Optional<String> before = state(counted);
        fileSystem.count();
        getQueryRunner().execute(statement.sql(counted));
        List<String> steps = fileSystem.changes();
        fileSystem.disarm();
        Optional<String> after = state(counted);
        assertThat(steps).as(operation + " changes storage").isNotEmpty();
        log.info("%s makes %s changes: %s", operation, steps.size(), steps);

        int cases = 0;
        int failed = 0;
        for (int step = 1; step <= steps.size(); step++) {
            // a crash before step k+1 leaves storage as a crash after step k does (only the statement's own view of
            // step k differs): the normal run crashes after every step and before the first, -Dicedb.crash.every-side
            // (the stress profile) before and after every step
            List<When> sides = step == 1 || EVERY_SIDE ? List.of(When.BEFORE, When.AFTER) : List.of(When.AFTER);
            for (When when : sides) {
                String table = nextTable();
                setup.prepare(table);
                fileSystem.arm(step, when);
                try {
                    getQueryRunner().execute(statement.sql(table));
                }
                catch (RuntimeException e) {
                    failed++;
                }
                finally {
                    fileSystem.disarm();
                }
                String description = "%s crashing %s step %s of %s".formatted(operation, when, step, steps.size());
                Optional<String> observed = state(table);
                assertThat(observed).as(description + ": all or nothing").isIn(before, after);
                repairAndCheckClean(table, observed, description);
                cases++;
            }
        }
        TOTAL_CASES.addAndGet(cases);
        log.info("%s: %s changes, %s crash cases (%s statements failed), all or nothing and clean after maintenance; %s cases so far",
                operation, steps.size(), cases, failed, TOTAL_CASES.get());
    }

    /**
     * The columns and every row of the table, or empty when the table does not exist.
     */
    private Optional<String> state(String table)
    {
        if (!computeActual("SHOW TABLES FROM " + SCHEMA).getOnlyColumnAsSet().contains(table)) {
            return Optional.empty();
        }
        String columns = computeActual("SELECT column_name FROM information_schema.columns WHERE table_schema = '%s' AND table_name = '%s' ORDER BY ordinal_position".formatted(SCHEMA, table))
                .getOnlyColumn().map(String::valueOf).toList().toString();
        List<String> rows = new ArrayList<>();
        for (MaterializedRow row : computeActual("SELECT * FROM %s ORDER BY id".formatted(table)).getMaterializedRows()) {
            rows.add(row.getFields().toString());
        }
        return Optional.of(columns + " " + rows);
    }

    private void repairAndCheckClean(String table, Optional<String> observed, String description)
    {
        if (observed.isEmpty()) {
            // nothing of the table is visible: whatever the crash left in its location, a new table of the name works,
            // and dropping it leaves nothing behind
            createWithRows(table, 1, 3);
            assertThat(state(table)).as(description).hasValueSatisfying(value -> assertThat(value).contains("[1, row 1]", "[3, row 3]").doesNotContain("[4,"));
            getQueryRunner().execute("DROP TABLE " + table);
            assertThat(server.listKeys(BUCKET, prefix(table))).as(description + ": objects left after DROP TABLE").isEmpty();
            return;
        }
        maintain("CALL icedb.system.merge('%s', '%s')".formatted(SCHEMA, table));
        maintain("CALL icedb.system.cleanup('%s', '%s', '0s')".formatted(SCHEMA, table));
        maintain("CALL icedb.system.remove_orphan_files(schema_name => '%s', table_name => '%s', retention_threshold => '0s')".formatted(SCHEMA, table));
        assertThat(state(table)).as(description + " after maintenance").isEqualTo(observed);

        Set<String> alive = new HashSet<>();
        List<String> keys = server.listKeys(BUCKET, prefix(table));
        for (String key : keys) {
            String relative = key.substring(prefix(table).length());
            assertThat(relative).as(description + ": object outside the table's own directories").matches("(_log|_data|_icedb)/.*");
            if (relative.startsWith("_log/")) {
                LogFile logFile = LogFileParser.parse(key, server.client().getObjectAsBytes(request -> request.bucket(BUCKET).key(key)).asByteArray());
                logFile.fileMarkers().stream().filter(FileMarker::isAlive).map(FileMarker::path).forEach(alive::add);
            }
        }
        Set<String> parts = new HashSet<>();
        keys.stream().filter(key -> key.startsWith(prefix(table) + "_data/")).forEach(parts::add);
        assertThat(parts).as(description + ": parts after maintenance are exactly the live ones").isEqualTo(alive);
    }

    /**
     * Runs a maintenance call, waiting for a crashed holder's lease to expire.
     */
    private void maintain(String sql)
    {
        for (int attempt = 0; ; attempt++) {
            try {
                getQueryRunner().execute(sql);
                return;
            }
            catch (RuntimeException e) {
                if (attempt > 40 || e.getMessage() == null || !e.getMessage().contains("lease")) {
                    throw e;
                }
                sleepUninterruptibly(250, MILLISECONDS);
            }
        }
    }

    private void createWithThreeInserts(String table)
    {
        createWithRows(table, 1, 10);
        insertRows(table, 11, 20);
        insertRows(table, 21, 30);
    }

    private void createWithRows(String table, int from, int to)
    {
        getQueryRunner().execute("CREATE TABLE %s (id bigint, payload varchar) WITH (partitioning = ARRAY['bucket(id, 2)'])".formatted(table));
        insertRows(table, from, to);
    }

    private void insertRows(String table, int from, int to)
    {
        getQueryRunner().execute("INSERT INTO %s SELECT x, 'row ' || CAST(x AS varchar) FROM UNNEST(sequence(%s, %s)) AS t(x)".formatted(table, from, to));
    }

    private String nextTable()
    {
        tableNumber++;
        return "t" + tableNumber;
    }

    private static String prefix(String table)
    {
        return "warehouse/" + SCHEMA + "/" + table + "/";
    }
}
