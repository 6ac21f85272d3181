package io.trino.plugin.icedb.faults;

import io.airlift.log.Logger;
import io.airlift.units.Duration;
import io.trino.plugin.icedb.IcedbQueryRunner;
import io.trino.plugin.icedb.TestingIcedbS3Server;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.MaterializedRow;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import static com.google.common.util.concurrent.Uninterruptibles.sleepUninterruptibly;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.parallel.ExecutionMode.SAME_THREAD;

/**
 * Writers (INSERT), schema changes (ADD COLUMN), merges, cleanups and readers on one table at once, for
 * {@code -Dicedb.stress.duration} (30 s by default; the {@code stress} Maven profile runs 5 minutes), on the in-JVM S3
 * server and a coordinator with two workers. Invariants:
 * <ul>
 * <li>after the run, every row of every INSERT that succeeded is there exactly once, and no row of one that failed;</li>
 * <li>every read sees a committed prefix: whole INSERT statements only (each statement's rows all or none), for each
 * writer the statements it ran one after another up to some point, none it had not committed successfully;</li>
 * <li>no statement fails with an error outside the documented list: a merge or cleanup finding the table's lease held
 * by another maintenance operation or schema change (they fail fast, as documented).</li>
 * </ul>
 */
@Execution(SAME_THREAD)
public class TestIcedbStress
        extends AbstractTestQueryFramework
{
    private static final Logger log = Logger.get(TestIcedbStress.class);
    private static final String BUCKET = "stress";
    private static final int WRITERS = 3;
    private static final int READERS = 2;
    private static final long STATEMENTS_PER_WRITER = 1_000_000;
    /**
     * The errors a statement of the run may end with; anything else fails the test.
     */
    private static final Pattern ALLOWED_MAINTENANCE_ERRORS = Pattern.compile("Maintenance lease of table '.*' is held by");

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        TestingIcedbS3Server server = closeAfterClass(new TestingIcedbS3Server());
        server.createBucket(BUCKET);
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setWorkerCount(2)
                .setS3Warehouse(server, "s3://" + BUCKET + "/warehouse")
                .addIcedbProperty("icedb.cleanup.min-retention", "1s")
                .build();
        queryRunner.execute("CREATE SCHEMA icedb.st");
        return queryRunner;
    }

    @Test
    public void testConcurrentWritersSchemaChangesMaintenanceAndReaders()
            throws Exception
    {
        Duration duration = Duration.valueOf(System.getProperty("icedb.stress.duration", "30s"));
        assertUpdate("CREATE TABLE st.t (id bigint, writer integer, stmt bigint, rows_in_stmt integer) WITH (partitioning = ARRAY['writer'])");

        long deadline = System.nanoTime() + duration.roundTo(MILLISECONDS) * 1_000_000;
        ConcurrentMap<Long, Integer> committed = new ConcurrentHashMap<>();
        ConcurrentMap<Long, Integer> failedInserts = new ConcurrentHashMap<>();
        List<String> unexpected = new CopyOnWriteArrayList<>();
        List<Map<Long, Long>> reads = new CopyOnWriteArrayList<>();
        Map<String, AtomicLong> succeeded = new ConcurrentHashMap<>();
        Map<String, AtomicLong> refused = new ConcurrentHashMap<>();
        for (String kind : List.of("insert", "add column", "merge", "cleanup", "read")) {
            succeeded.put(kind, new AtomicLong());
            refused.put(kind, new AtomicLong());
        }

        ExecutorService executor = Executors.newFixedThreadPool(WRITERS + READERS + 3);
        List<Future<?>> tasks = new ArrayList<>();
        long started = System.nanoTime();
        try {
            for (int writer = 0; writer < WRITERS; writer++) {
                int writerId = writer;
                tasks.add(executor.submit(() -> {
                    for (long sequence = 1; System.nanoTime() < deadline; sequence++) {
                        long stmt = writerId * STATEMENTS_PER_WRITER + sequence;
                        int rows = 1 + (int) (stmt * 7919 % 50);
                        String sql = "INSERT INTO st.t (id, writer, stmt, rows_in_stmt) SELECT %s * 1000 + x, %s, %s, %s FROM UNNEST(sequence(1, %s)) AS t(x)".formatted(stmt, writerId, stmt, rows, rows);
                        if (run("insert", sql, Pattern.compile("$^"), succeeded, refused, unexpected)) {
                            committed.put(stmt, rows);
                        }
                        else {
                            failedInserts.put(stmt, rows);
                        }
                    }
                }));
            }
            tasks.add(executor.submit(() -> {
                for (int column = 1; System.nanoTime() < deadline; column++) {
                    run("add column", "ALTER TABLE st.t ADD COLUMN c%s varchar".formatted(column), Pattern.compile("$^"), succeeded, refused, unexpected);
                    sleepUninterruptibly(1000, MILLISECONDS);
                }
            }));
            tasks.add(executor.submit(() -> {
                while (System.nanoTime() < deadline) {
                    run("merge", "CALL icedb.system.merge('st', 't')", ALLOWED_MAINTENANCE_ERRORS, succeeded, refused, unexpected);
                    sleepUninterruptibly(300, MILLISECONDS);
                }
            }));
            tasks.add(executor.submit(() -> {
                while (System.nanoTime() < deadline) {
                    run("cleanup", "CALL icedb.system.cleanup('st', 't', '20s')", ALLOWED_MAINTENANCE_ERRORS, succeeded, refused, unexpected);
                    sleepUninterruptibly(1000, MILLISECONDS);
                }
            }));
            for (int reader = 0; reader < READERS; reader++) {
                tasks.add(executor.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        try {
                            Map<Long, Long> seen = new HashMap<>();
                            long rows = 0;
                            for (MaterializedRow row : getQueryRunner().execute("SELECT stmt, count(*), count(DISTINCT id), min(rows_in_stmt), max(rows_in_stmt) FROM st.t GROUP BY stmt").getMaterializedRows()) {
                                long stmt = (long) row.getField(0);
                                long count = (long) row.getField(1);
                                if (count != (long) row.getField(2) || count != (int) row.getField(3) || count != (int) row.getField(4)) {
                                    unexpected.add("read: statement %s seen with %s rows (%s distinct ids), of %s".formatted(stmt, count, row.getField(2), row.getField(3)));
                                }
                                seen.put(stmt, count);
                                rows += count;
                            }
                            reads.add(seen);
                            succeeded.get("read").incrementAndGet();
                            assertThat(rows).isGreaterThanOrEqualTo(0);
                        }
                        catch (RuntimeException e) {
                            unexpected.add("read: " + e.getMessage());
                        }
                    }
                }));
            }
            for (Future<?> task : tasks) {
                task.get();
            }
        }
        finally {
            executor.shutdownNow();
        }
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(unexpected).as("errors outside the documented list").isEmpty();
        assertThat(failedInserts).as("failed inserts").isEmpty();

        // every read: whole statements, each writer's a prefix of what it committed
        for (Map<Long, Long> seen : reads) {
            Map<Integer, TreeSet<Long>> perWriter = new HashMap<>();
            for (Map.Entry<Long, Long> entry : seen.entrySet()) {
                assertThat(committed).as("a read saw statement %s, which did not commit", entry.getKey()).containsKey(entry.getKey());
                assertThat(entry.getValue()).isEqualTo((long) committed.get(entry.getKey()));
                perWriter.computeIfAbsent((int) (entry.getKey() / STATEMENTS_PER_WRITER), _ -> new TreeSet<>()).add(entry.getKey() % STATEMENTS_PER_WRITER);
            }
            for (TreeSet<Long> sequences : perWriter.values()) {
                // sequences 1..max, all of them
                assertThat((long) sequences.size()).as("a read saw a writer's statements %s", sequences).isEqualTo(sequences.last());
            }
        }

        // finally: every committed row exactly once
        long expectedRows = committed.values().stream().mapToLong(Integer::longValue).sum();
        MaterializedRow totals = computeActual("SELECT count(*), count(DISTINCT id), count(DISTINCT stmt) FROM st.t").getMaterializedRows().getFirst();
        assertThat(totals.getFields()).containsExactly(expectedRows, expectedRows, (long) committed.size());
        Set<Long> statements = computeActual("SELECT DISTINCT stmt FROM st.t").getOnlyColumnAsSet().stream().map(Long.class::cast).collect(java.util.stream.Collectors.toSet());
        assertThat(statements).isEqualTo(committed.keySet());
        assertThat(succeeded.get("insert").get()).isGreaterThan(0);
        assertThat(succeeded.get("read").get()).isGreaterThan(0);

        log.info("STRESS RUN: %s ms, %s writers, %s readers; succeeded %s; refused (documented) %s; %s rows in %s inserts; %s reads checked (whole statements, per-writer prefixes), final count exact",
                elapsedMillis, WRITERS, READERS, counts(succeeded), counts(refused), expectedRows, committed.size(), reads.size());
    }

    private boolean run(String kind, String sql, Pattern allowed, Map<String, AtomicLong> succeeded, Map<String, AtomicLong> refused, List<String> unexpected)
    {
        try {
            getQueryRunner().execute(sql);
            succeeded.get(kind).incrementAndGet();
            return true;
        }
        catch (RuntimeException e) {
            if (e.getMessage() != null && allowed.matcher(e.getMessage()).find()) {
                refused.get(kind).incrementAndGet();
            }
            else {
                unexpected.add(kind + ": " + sql + ": " + e.getMessage());
            }
            return false;
        }
    }

    private static Map<String, Long> counts(Map<String, AtomicLong> counters)
    {
        Map<String, Long> counts = new java.util.TreeMap<>();
        counters.forEach((kind, count) -> counts.put(kind, count.get()));
        return counts;
    }
}
