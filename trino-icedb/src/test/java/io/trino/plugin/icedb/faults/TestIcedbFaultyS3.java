package io.trino.plugin.icedb.faults;

import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileParser;
import io.trino.plugin.icedb.IcedbQueryRunner;
import io.trino.plugin.icedb.TestingIcedbS3Server;
import io.trino.plugin.icedb.faults.FaultyS3Proxy.Fault;
import io.trino.plugin.icedb.faults.FaultyS3Proxy.Request;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static com.google.common.util.concurrent.Uninterruptibles.sleepUninterruptibly;
import static io.trino.plugin.icedb.faults.FaultyS3Proxy.Fault.APPLIED_THEN_DROPPED;
import static io.trino.plugin.icedb.faults.FaultyS3Proxy.Fault.APPLIED_THEN_FAILED;
import static io.trino.plugin.icedb.faults.FaultyS3Proxy.Fault.HANG;
import static io.trino.plugin.icedb.faults.FaultyS3Proxy.Fault.INTERNAL_ERROR;
import static io.trino.plugin.icedb.faults.FaultyS3Proxy.Fault.SERVICE_UNAVAILABLE;
import static io.trino.plugin.icedb.faults.FaultyS3Proxy.Fault.SLOW_DOWN;
import static io.trino.plugin.icedb.faults.FaultyS3Proxy.Fault.TRUNCATED_BODY;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.parallel.ExecutionMode.SAME_THREAD;

/**
 * The catalog talks to the test S3 server through {@link FaultyS3Proxy}, which injects 500, 503, SlowDown, hangs
 * (the client's 2 s read timeout ends them) and writes that are applied but whose response is lost. Reads retry and
 * return the right rows; a statement commits exactly once or fails with a clear error and commits nothing; never
 * twice, never partly.
 */
// heavy: retries against injected 5xx, hangs and lost responses take minutes
@Tag("heavy")
@Execution(SAME_THREAD)
public class TestIcedbFaultyS3
        extends AbstractTestQueryFramework
{
    private static final String BUCKET = "faulty";
    private static final String WAREHOUSE = "warehouse/f/";
    private static final int SDK_ATTEMPTS = 3;

    private TestingIcedbS3Server server;
    private FaultyS3Proxy proxy;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        server = closeAfterClass(new TestingIcedbS3Server());
        server.createBucket(BUCKET);
        proxy = closeAfterClass(new FaultyS3Proxy(server.endpoint()));
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setWorkerCount(1)
                .setS3Warehouse(server, "s3://" + BUCKET + "/warehouse")
                .addIcedbProperty("s3.endpoint", proxy.endpoint())
                .addIcedbProperty("s3.socket-read-timeout", "2s")
                // attempts of one request by the SDK (the default is 10): keeps the persistent failures short
                .addIcedbProperty("s3.max-error-retries", String.valueOf(SDK_ATTEMPTS))
                .addIcedbProperty("icedb.cleanup.min-retention", "0s")
                .addIcedbProperty("icedb.remove-orphan-files.min-retention", "1s")
                .build();
        queryRunner.execute("CREATE SCHEMA icedb.f");
        return queryRunner;
    }

    @AfterEach
    public void clearFaults()
    {
        proxy.clearFaults();
    }

    @Test
    public void testReadsRetryThroughErrorsAndHangs()
    {
        assertUpdate("CREATE TABLE f.reads AS SELECT x AS id, 'row ' || CAST(x AS varchar) AS payload FROM UNNEST(sequence(1, 1000)) AS t(x)", 1000);
        for (Fault fault : List.of(INTERNAL_ERROR, SERVICE_UNAVAILABLE, SLOW_DOWN, HANG, APPLIED_THEN_DROPPED, APPLIED_THEN_FAILED)) {
            proxy.inject("GET", "/f/reads/_data/", fault, 1);
            // listings of the table's logs
            proxy.inject("GET", "list-type=2.*prefix=warehouse%2Ff%2Freads%2F_log", fault, 1);
            assertThat(query("SELECT count(*), count(DISTINCT id), sum(id), min(payload) FROM f.reads"))
                    .as(fault.toString())
                    .matches("VALUES (BIGINT '1000', BIGINT '1000', BIGINT '500500', VARCHAR 'row 1')");
            assertThat(proxy.pendingFaults()).as(fault + " injected").isZero();
            proxy.clearFaults();
        }
    }

    @Test
    public void testTruncatedReadIsRetriedOrFailsButNeverReturnsWrongRows()
    {
        assertUpdate("CREATE TABLE f.truncated AS SELECT x AS id FROM UNNEST(sequence(1, 5000)) AS t(x)", 5000);
        proxy.inject("GET", "/f/truncated/_data/", TRUNCATED_BODY, 1);
        try {
            assertThat(query("SELECT count(*), sum(id) FROM f.truncated")).matches("VALUES (BIGINT '5000', BIGINT '12502500')");
        }
        catch (RuntimeException e) {
            assertThat(e).hasMessageContaining("f/truncated/_data/");
        }
        assertThat(proxy.pendingFaults()).isZero();
    }

    @Test
    public void testInsertRetriesThroughServerErrors()
    {
        assertUpdate("CREATE TABLE f.errors (id bigint, payload varchar)");
        List<Fault> faults = List.of(INTERNAL_ERROR, SERVICE_UNAVAILABLE, SLOW_DOWN, HANG);
        for (int round = 0; round < faults.size(); round++) {
            Fault fault = faults.get(round);
            proxy.inject("PUT", "/f/errors/_log/", fault, 1);
            proxy.inject("PUT", "/f/errors/_data/", fault, 1);
            proxy.inject("GET", "/f/errors/_icedb/table.json", fault, 1);
            assertUpdate("INSERT INTO f.errors SELECT x, 'row ' || CAST(x AS varchar) FROM UNNEST(sequence(%s, %s)) AS t(x)".formatted(round * 250 + 1, round * 250 + 250), 250);
            assertThat(proxy.pendingFaults()).as(fault.toString()).isZero();
        }
        assertThat(query("SELECT count(*), count(DISTINCT id), sum(id) FROM f.errors")).matches("VALUES (BIGINT '1000', BIGINT '1000', BIGINT '500500')");
        assertLogsNameExistingDistinctParts("errors", 1 + faults.size());
    }

    /**
     * The log's exclusive create is applied, its response is lost, and the SDK's retry is answered 412: the committer
     * must recognise its own log (same bytes) and commit once.
     */
    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"APPLIED_THEN_DROPPED", "APPLIED_THEN_FAILED", "APPLIED_THEN_HUNG"})
    public void testLogCreateAppliedButResponseLost(Fault fault)
    {
        String table = "lost_" + fault.name().toLowerCase(Locale.ENGLISH);
        assertUpdate("CREATE TABLE f.%s (id bigint)".formatted(table));
        proxy.clearRequests();
        proxy.inject("PUT", "/f/%s/_log/".formatted(table), fault, 1);
        assertUpdate("INSERT INTO f.%s SELECT x FROM UNNEST(sequence(1, 100)) AS t(x)".formatted(table), 100);
        assertThat(proxy.pendingFaults()).isZero();
        // the same log key was sent twice: the lost attempt and the retry that found it taken
        List<String> logPuts = targetsOf("PUT", "/f/%s/_log/".formatted(table));
        assertThat(logPuts).hasSize(2);
        assertThat(logPuts.get(0)).isEqualTo(logPuts.get(1));
        assertThat(query("SELECT count(*), count(DISTINCT id) FROM f." + table)).matches("VALUES (BIGINT '100', BIGINT '100')");
        assertLogsNameExistingDistinctParts(table, 2);
    }

    /**
     * Every answer to the log's create is lost (the first attempt applied it), and so are the first reads of it: the
     * committer cannot tell at once whether its log exists. It must not commit the same parts again under a new name.
     */
    @Test
    public void testLogCreateAppliedAndItsReadsFailing()
    {
        assertUpdate("CREATE TABLE f.ambiguous (id bigint)");
        proxy.inject("PUT", "/f/ambiguous/_log/", APPLIED_THEN_FAILED, SDK_ATTEMPTS);
        proxy.failReadsOfLostWrites(SERVICE_UNAVAILABLE, SDK_ATTEMPTS);
        try {
            assertUpdate("INSERT INTO f.ambiguous SELECT x FROM UNNEST(sequence(1, 100)) AS t(x)", 100);
        }
        catch (RuntimeException e) {
            // failing is allowed only with a clear error, and then the rows are either all there or not at all
            assertThat(e).hasMessageContaining("f.ambiguous");
        }
        proxy.clearFaults();
        long rows = (long) computeScalar("SELECT count(*) FROM f.ambiguous");
        assertThat(rows).isIn(0L, 100L);
        assertThat(computeScalar("SELECT count(DISTINCT id) FROM f.ambiguous")).isEqualTo(rows);
        assertLogsNameExistingDistinctParts("ambiguous", rows == 0 ? 1 : 2);
    }

    @Test
    public void testPersistentLogCreateFailureFailsCleanly()
    {
        assertUpdate("CREATE TABLE f.down (id bigint)");
        assertUpdate("INSERT INTO f.down VALUES 1", 1);
        proxy.inject("PUT", "/f/down/_log/", INTERNAL_ERROR, 1_000);
        assertThat(query("INSERT INTO f.down SELECT x FROM UNNEST(sequence(2, 100)) AS t(x)"))
                .failure()
                .satisfies(e -> assertThat(e).hasMessageContaining("f.down").hasMessageContaining(proxy.endpoint()));
        proxy.clearFaults();
        assertThat(query("SELECT count(*), min(id), max(id) FROM f.down")).matches("VALUES (BIGINT '1', BIGINT '1', BIGINT '1')");
        assertThat(server.listKeys(BUCKET, WAREHOUSE + "down/_log/")).hasSize(2);
        // the parts the failed statement wrote are orphans: remove_orphan_files takes them
        assertThat(server.listKeys(BUCKET, WAREHOUSE + "down/_data/")).hasSizeGreaterThan(1);
        sleepUninterruptibly(1100, MILLISECONDS);
        assertUpdate("CALL icedb.system.remove_orphan_files(schema_name => 'f', table_name => 'down', retention_threshold => '1s')");
        assertLogsNameExistingDistinctParts("down", 2);
        assertThat(server.listKeys(BUCKET, WAREHOUSE + "down/_data/")).hasSize(1);
    }

    /**
     * A data part's create is applied and its answer lost; its retry is answered 412 (every upload is an exclusive
     * create). The statement commits its rows once or fails and commits nothing.
     */
    @Test
    public void testPartCreateAppliedButResponseLost()
    {
        assertUpdate("CREATE TABLE f.lost_part (id bigint)");
        proxy.inject("PUT", "/f/lost_part/_data/", APPLIED_THEN_DROPPED, 1);
        try {
            assertUpdate("INSERT INTO f.lost_part SELECT x FROM UNNEST(sequence(1, 100)) AS t(x)", 100);
        }
        catch (RuntimeException e) {
            assertThat(e).hasMessageContaining("f/lost_part/_data/");
        }
        assertThat(proxy.pendingFaults()).isZero();
        long rows = (long) computeScalar("SELECT count(*) FROM f.lost_part");
        assertThat(rows).isIn(0L, 100L);
        assertThat(computeScalar("SELECT count(DISTINCT id) FROM f.lost_part")).isEqualTo(rows);
        assertLogsNameExistingDistinctParts("lost_part", rows == 0 ? 1 : 2);
    }

    @Test
    public void testAddColumnAndMaintenanceThroughLostResponses()
    {
        assertUpdate("CREATE TABLE f.maint (id bigint)");
        for (int insert = 0; insert < 3; insert++) {
            assertUpdate("INSERT INTO f.maint SELECT x FROM UNNEST(sequence(%s, %s)) AS t(x)".formatted(insert * 100 + 1, insert * 100 + 100), 100);
        }

        // ADD COLUMN: its log and its lease objects are created under lost answers
        proxy.inject("PUT", "/f/maint/_log/", APPLIED_THEN_DROPPED, 1);
        proxy.inject("PUT", "/f/maint/_icedb/lease/", APPLIED_THEN_FAILED, 2);
        assertUpdate("ALTER TABLE f.maint ADD COLUMN note varchar");
        assertThat(proxy.pendingFaults()).isZero();
        assertThat(computeActual("SELECT column_name FROM information_schema.columns WHERE table_schema = 'f' AND table_name = 'maint'").getOnlyColumnAsSet()).containsExactlyInAnyOrder("id", "note");
        assertUpdate("INSERT INTO f.maint VALUES (301, 'after')", 1);

        // merge: the merged log, the lease and the deletes of the lease's objects
        proxy.inject("PUT", "/f/maint/_log/", APPLIED_THEN_FAILED, 1);
        proxy.inject("PUT", "/f/maint/_icedb/lease/", SLOW_DOWN, 1);
        proxy.inject("DELETE", "/f/maint/_icedb/lease/", APPLIED_THEN_DROPPED, 1);
        assertUpdate("CALL icedb.system.merge('f', 'maint')");
        assertThat(proxy.pendingFaults()).isZero();
        proxy.clearFaults();
        assertThat(query("SELECT count(*), count(DISTINCT id), sum(id), count(note) FROM f.maint")).matches("VALUES (BIGINT '301', BIGINT '301', BIGINT '45451', BIGINT '1')");
        assertThat(server.listKeys(BUCKET, WAREHOUSE + "maint/_log/")).hasSize(7);

        // a merged part whose upload is applied but answered 412 on the retry (every upload is an exclusive create):
        // the merge fails and commits nothing, the next one succeeds
        assertUpdate("INSERT INTO f.maint VALUES (302, 'last')", 1);
        proxy.inject("PUT", "/f/maint/_data/", APPLIED_THEN_DROPPED, 1);
        assertThat(query("ALTER TABLE f.maint EXECUTE merge"))
                .failure().hasMessageContaining("f.maint").hasMessageContaining("f/maint/_data/");
        proxy.clearFaults();
        assertThat(server.listKeys(BUCKET, WAREHOUSE + "maint/_log/")).hasSize(8);
        assertThat(query("SELECT count(*), count(DISTINCT id), sum(id), count(note) FROM f.maint")).matches("VALUES (BIGINT '302', BIGINT '302', BIGINT '45753', BIGINT '2')");
        proxy.inject("PUT", "/f/maint/_log/", APPLIED_THEN_DROPPED, 1);
        assertUpdate("ALTER TABLE f.maint EXECUTE merge");
        proxy.clearFaults();
        assertThat(query("SELECT count(*), count(DISTINCT id), sum(id), count(note) FROM f.maint")).matches("VALUES (BIGINT '302', BIGINT '302', BIGINT '45753', BIGINT '2')");

        // cleanup: its deletes are applied and their answers lost, or refused (two failures in a row: the SDK's third
        // attempt succeeds)
        proxy.inject("DELETE", "/f/maint/_(log|data)/", APPLIED_THEN_DROPPED, 1);
        proxy.inject("DELETE", "/f/maint/_(log|data)/", INTERNAL_ERROR, 1);
        assertUpdate("CALL icedb.system.cleanup('f', 'maint', '0s')");
        assertThat(proxy.pendingFaults()).isZero();
        proxy.clearFaults();
        assertThat(query("SELECT count(*), count(DISTINCT id), sum(id), count(note) FROM f.maint")).matches("VALUES (BIGINT '302', BIGINT '302', BIGINT '45753', BIGINT '2')");
        assertLogsNameExistingDistinctParts("maint", 1);
        // the part of the failed merge is an orphan: remove_orphan_files deletes it, through lost answers too
        sleepUninterruptibly(1100, MILLISECONDS);
        proxy.inject("DELETE", "/f/maint/_data/", APPLIED_THEN_DROPPED, 1);
        assertUpdate("CALL icedb.system.remove_orphan_files(schema_name => 'f', table_name => 'maint', retention_threshold => '1s')");
        proxy.clearFaults();
        assertThat(server.listKeys(BUCKET, WAREHOUSE + "maint/_data/")).hasSize(1);
        assertThat(query("SELECT count(*), count(DISTINCT id), sum(id), count(note) FROM f.maint")).matches("VALUES (BIGINT '302', BIGINT '302', BIGINT '45753', BIGINT '2')");
    }

    @Test
    public void testDropTableThroughLostResponses()
    {
        assertUpdate("CREATE TABLE f.dropped AS SELECT x AS id FROM UNNEST(sequence(1, 10)) AS t(x)", 10);
        assertUpdate("INSERT INTO f.dropped VALUES 11", 1);
        proxy.inject("DELETE", "/f/dropped/_(log|data)/", APPLIED_THEN_DROPPED, 1);
        proxy.inject("DELETE", "/f/dropped/_icedb/", SLOW_DOWN, 1);
        proxy.inject("PUT", "/f/dropped/_icedb/table.json", APPLIED_THEN_FAILED, 1);
        assertUpdate("DROP TABLE f.dropped");
        proxy.clearFaults();
        assertThat(computeActual("SHOW TABLES FROM f").getOnlyColumnAsSet()).doesNotContain("dropped");
        assertThat(server.listKeys(BUCKET, WAREHOUSE + "dropped/")).isEmpty();
        assertUpdate("CREATE TABLE f.dropped (id bigint)");
        assertThat(query("SELECT count(*) FROM f.dropped")).matches("VALUES BIGINT '0'");
    }

    private List<String> targetsOf(String method, String targetPart)
    {
        return proxy.requests().stream()
                .filter(request -> request.method().equals(method) && request.target().contains(targetPart))
                .map(Request::target)
                .map(target -> target.contains("?") ? target.substring(0, target.indexOf('?')) : target)
                .toList();
    }

    /**
     * The table has {@code expectedLogs} logs, each naming parts no other log names alive, all of which exist.
     */
    private void assertLogsNameExistingDistinctParts(String table, int expectedLogs)
    {
        List<String> logs = server.listKeys(BUCKET, WAREHOUSE + table + "/_log/");
        assertThat(logs).as("logs of " + table).hasSize(expectedLogs);
        Set<String> alive = new HashSet<>();
        for (String key : logs) {
            LogFile log = LogFileParser.parse(key, server.client().getObjectAsBytes(request -> request.bucket(BUCKET).key(key)).asByteArray());
            for (FileMarker marker : log.fileMarkers()) {
                if (marker.isAlive()) {
                    assertThat(alive.add(marker.path())).as("part named twice: " + marker.path()).isTrue();
                }
            }
        }
        Set<String> objects = new HashSet<>(server.listKeys(BUCKET, WAREHOUSE + table + "/_data/"));
        assertThat(objects).containsAll(alive);
    }
}
