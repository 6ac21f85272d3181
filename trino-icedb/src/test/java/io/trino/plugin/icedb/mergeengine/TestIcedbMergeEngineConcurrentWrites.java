package io.trino.plugin.icedb.mergeengine;

import com.google.common.collect.ImmutableMap;
import io.trino.Session;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.filesystem.s3.S3FileSystemFactory;
import io.trino.plugin.icedb.IcedbConnectorFactory;
import io.trino.plugin.icedb.TestingGateFunctions;
import io.trino.plugin.icedb.TestingIcedbS3Server;
import io.trino.plugin.icedb.faults.CrashingFileSystemFactory;
import io.trino.plugin.icedb.faults.CrashingFileSystemFactory.Pause;
import io.trino.plugin.memory.MemoryPlugin;
import io.trino.spi.Plugin;
import io.trino.spi.connector.ConnectorFactory;
import io.trino.testing.DistributedQueryRunner;
import io.trino.testing.MaterializedResult;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static io.trino.testing.TestingSession.testSessionBuilder;
import static java.lang.String.format;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.parallel.ExecutionMode.SAME_THREAD;

/**
 * Inserts that commit while a merge ({@code CALL merge}, {@code EXECUTE merge}) or a row-level statement runs on a
 * table with a merge engine: the insert's log is stamped before the merged log the statement commits afterwards, yet
 * its rows are newer than the rows the statement read, so "latest" must be the insert's row and "first" the older one
 * (the merged part's order sidecar places it at the snapshot the statement read). A merge is held before it writes its
 * part (a pausing file system), a row-level statement where its {@code WHERE} clause calls {@code testing_gate}; the
 * random sequences of {@link BaseIcedbMergeEngineTest} run with such inserts (and cleanups, which fold the logs and
 * must keep the order) against the memory connector.
 */
// one file-system pause at a time, and every test's parts go through it: the tests run one after the other
@Execution(SAME_THREAD)
public class TestIcedbMergeEngineConcurrentWrites
        extends BaseIcedbMergeEngineTest
{
    private static final String BUCKET = "merge-order";

    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final AtomicInteger gates = new AtomicInteger();
    private CrashingFileSystemFactory fileSystem;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        TestingIcedbS3Server server = closeAfterClass(new TestingIcedbS3Server());
        server.createBucket(BUCKET);
        S3FileSystemFactory s3FileSystemFactory = server.fileSystemFactory();
        closeAfterClass(s3FileSystemFactory::destroy);
        fileSystem = new CrashingFileSystemFactory(s3FileSystemFactory);

        Session session = testSessionBuilder().setCatalog("icedb").setSchema(SCHEMA).build();
        DistributedQueryRunner queryRunner = DistributedQueryRunner.builder(session).setWorkerCount(1).build();
        try {
            queryRunner.installPlugin(new Plugin()
            {
                @Override
                public Iterable<ConnectorFactory> getConnectorFactories()
                {
                    return List.of(new IcedbConnectorFactory(Optional.of(binder -> binder.bind(TrinoFileSystemFactory.class).toInstance(fileSystem))));
                }
            });
            queryRunner.createCatalog("icedb", "icedb", ImmutableMap.of(
                    "icedb.warehouse", "s3://" + BUCKET + "/warehouse",
                    "icedb.cleanup.min-retention", "0s"));
            queryRunner.installPlugin(new MemoryPlugin());
            queryRunner.createCatalog("memory", "memory");
            queryRunner.installPlugin(TestingGateFunctions.plugin());
            queryRunner.execute("CREATE SCHEMA icedb." + SCHEMA);
            return queryRunner;
        }
        catch (Throwable e) {
            queryRunner.close();
            throw e;
        }
    }

    @AfterAll
    public void shutdownExecutor()
    {
        executor.shutdownNow();
    }

    @Override
    protected int randomSteps()
    {
        return 12;
    }

    @Override
    protected Optional<ConcurrentWrites> concurrentWrites()
    {
        return Optional.of(new ConcurrentWrites()
        {
            @Override
            public MaterializedResult merge(String statement, Runnable during)
            {
                return heldMerge(statement, during);
            }

            @Override
            public MaterializedResult rowLevel(Function<String, String> statement, Runnable during)
            {
                return heldRowLevel(statement, during);
            }
        });
    }

    @Test
    public void testInsertDuringCallMerge()
    {
        assertUpdate("CREATE TABLE me.call_latest (k bigint, note varchar) WITH (primary_key = ARRAY['k'], merge_engine = 'deduplicate')");
        assertUpdate("CREATE TABLE me.call_first (k bigint, note varchar) WITH (primary_key = ARRAY['k'], merge_engine = 'first_row')");
        for (String table : List.of("me.call_latest", "me.call_first")) {
            assertUpdate("INSERT INTO " + table + " VALUES (1, 'old'), (2, 'x')", 2);
            assertUpdate("INSERT INTO " + table + " VALUES (1, 'older merged'), (3, 'y')", 2);
            heldMerge(format("CALL icedb.system.merge('me', '%s')", table.substring(3)), () -> assertUpdate("INSERT INTO " + table + " VALUES (1, 'new')", 1));
        }
        assertThat(query("SELECT k, note FROM me.call_latest")).matches("VALUES (BIGINT '1', VARCHAR 'new'), (2, 'x'), (3, 'y')");
        assertThat(query("SELECT k, note FROM me.call_first")).matches("VALUES (BIGINT '1', VARCHAR 'old'), (2, 'x'), (3, 'y')");
        // the merged part and the insert's part
        assertThat(query(rawSession(), "SELECT count(*) FROM me.call_latest")).matches("VALUES BIGINT '4'");

        // the next merge writes the same winners
        assertUpdate("CALL icedb.system.merge('me', 'call_latest')");
        assertUpdate("ALTER TABLE me.call_first EXECUTE merge");
        assertThat(query(rawSession(), "SELECT k, note FROM me.call_latest")).matches("VALUES (BIGINT '1', VARCHAR 'new'), (2, 'x'), (3, 'y')");
        assertThat(query(rawSession(), "SELECT k, note FROM me.call_first")).matches("VALUES (BIGINT '1', VARCHAR 'old'), (2, 'x'), (3, 'y')");
        // and a row inserted afterwards is the latest again
        assertUpdate("INSERT INTO me.call_latest VALUES (1, 'newest')", 1);
        assertThat(query("SELECT note FROM me.call_latest WHERE k = 1")).matches("VALUES VARCHAR 'newest'");
    }

    @Test
    public void testInsertDuringExecuteMerge()
    {
        assertUpdate("CREATE TABLE me.execute_latest (k bigint, region varchar, note varchar) " +
                "WITH (partitioning = ARRAY['region'], primary_key = ARRAY['region', 'k'], merge_engine = 'deduplicate')");
        assertUpdate("INSERT INTO me.execute_latest VALUES (1, 'eu', 'old'), (2, 'us', 'x')", 2);
        assertUpdate("INSERT INTO me.execute_latest VALUES (1, 'eu', 'older merged')", 1);
        heldMerge("ALTER TABLE me.execute_latest EXECUTE merge", () -> assertUpdate("INSERT INTO me.execute_latest VALUES (1, 'eu', 'new'), (2, 'us', 'y')", 2));
        assertThat(query("SELECT k, region, note FROM me.execute_latest")).matches("VALUES (BIGINT '1', VARCHAR 'eu', VARCHAR 'new'), (2, 'us', 'y')");
        assertUpdate("ALTER TABLE me.execute_latest EXECUTE merge");
        assertThat(query(rawSession(), "SELECT k, region, note FROM me.execute_latest")).matches("VALUES (BIGINT '1', VARCHAR 'eu', VARCHAR 'new'), (2, 'us', 'y')");
    }

    @Test
    public void testInsertDuringRowLevelStatements()
    {
        assertUpdate("CREATE TABLE me.dml_latest (k bigint, note varchar) WITH (primary_key = ARRAY['k'], merge_engine = 'deduplicate')");
        assertUpdate("INSERT INTO me.dml_latest VALUES (1, 'old'), (2, 'x'), (3, 'z')", 3);
        // the UPDATE rewrites the partition with k = 1 as it read it
        MaterializedResult updated = heldRowLevel(
                condition -> "UPDATE me.dml_latest SET note = 'updated' WHERE k = 2" + condition,
                () -> assertUpdate("INSERT INTO me.dml_latest VALUES (1, 'new')", 1));
        assertThat(updated.getUpdateCount()).hasValue(1);
        assertThat(query("SELECT k, note FROM me.dml_latest")).matches("VALUES (BIGINT '1', VARCHAR 'new'), (2, 'updated'), (3, 'z')");
        // a key the DELETE removes and an insert adds again while it runs: the insert is newer
        MaterializedResult deleted = heldRowLevel(
                condition -> "DELETE FROM me.dml_latest WHERE k = 3" + condition,
                () -> assertUpdate("INSERT INTO me.dml_latest VALUES (3, 'again'), (2, 'newer')", 2));
        assertThat(deleted.getUpdateCount()).hasValue(1);
        assertThat(query("SELECT k, note FROM me.dml_latest")).matches("VALUES (BIGINT '1', VARCHAR 'new'), (2, 'newer'), (3, 'again')");
        assertUpdate("CALL icedb.system.merge('me', 'dml_latest')");
        assertThat(query(rawSession(), "SELECT k, note FROM me.dml_latest")).matches("VALUES (BIGINT '1', VARCHAR 'new'), (2, 'newer'), (3, 'again')");

        assertUpdate("CREATE TABLE me.dml_first (k bigint, note varchar) WITH (primary_key = ARRAY['k'], merge_engine = 'first_row')");
        assertUpdate("INSERT INTO me.dml_first VALUES (1, 'first'), (2, 'x')", 2);
        heldRowLevel(
                condition -> "DELETE FROM me.dml_first WHERE k = 2" + condition,
                () -> assertUpdate("INSERT INTO me.dml_first VALUES (1, 'second')", 1));
        assertThat(query("SELECT k, note FROM me.dml_first")).matches("VALUES (BIGINT '1', VARCHAR 'first')");
    }

    /**
     * Runs {@code statement} held before it writes its first part (a merge has read the table then), and {@code during}
     * meanwhile.
     */
    private MaterializedResult heldMerge(String statement, Runnable during)
    {
        Pause pause = fileSystem.pauseBefore(change -> change.startsWith("PUT ") && change.contains("/_data/"));
        Future<MaterializedResult> running = executor.submit(() -> getQueryRunner().execute(statement));
        try {
            pause.awaitReached(running);
            during.run();
        }
        finally {
            pause.release();
            fileSystem.cancelPause();
        }
        return result(running);
    }

    /**
     * Runs the row-level statement held where its {@code WHERE} clause calls a gate (it has read the table and holds
     * its lease then), and {@code during} meanwhile.
     */
    private MaterializedResult heldRowLevel(Function<String, String> statement, Runnable during)
    {
        String name = "merge-order-" + gates.incrementAndGet();
        TestingGateFunctions.Gate gate = TestingGateFunctions.gate(name);
        Future<MaterializedResult> running = executor.submit(() -> getQueryRunner().execute(statement.apply(format(" AND testing_gate('%s', k) = k", name))));
        try {
            while (!gate.awaitReached(100)) {
                if (running.isDone()) {
                    throw new AssertionError("The statement finished without reaching gate " + name + ": " + result(running));
                }
            }
            during.run();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
        finally {
            gate.open();
        }
        return result(running);
    }

    private static MaterializedResult result(Future<MaterializedResult> running)
    {
        try {
            return running.get();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
        catch (ExecutionException e) {
            throw new RuntimeException(e.getCause());
        }
    }
}
