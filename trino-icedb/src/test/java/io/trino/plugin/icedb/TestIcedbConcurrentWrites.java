package io.trino.plugin.icedb;

import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileParser;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writers racing on one table in the in-JVM S3 server: every commit is one exclusive-create log, no row is lost or
 * duplicated, and a failed insert leaves nothing any log names.
 */
public class TestIcedbConcurrentWrites
        extends AbstractTestQueryFramework
{
    private static final String BUCKET = "concurrent";

    private TestingIcedbS3Server server;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        server = closeAfterClass(new TestingIcedbS3Server());
        server.createBucket(BUCKET);
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setWorkerCount(2)
                .setS3Warehouse(server, "s3://" + BUCKET + "/warehouse")
                .build();
        queryRunner.execute("CREATE SCHEMA icedb.c");
        return queryRunner;
    }

    @Test
    public void testEightConcurrentInserts()
            throws Exception
    {
        assertUpdate("CREATE TABLE c.race (id bigint, writer integer, payload varchar) WITH (partitioning = ARRAY['bucket(id, 4)'])");
        int writers = 8;
        int rowsPerWriter = 2000;
        ExecutorService executor = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> inserts = new ArrayList<>();
            for (int writer = 0; writer < writers; writer++) {
                int base = writer * rowsPerWriter;
                int writerId = writer;
                inserts.add(executor.submit(() -> getQueryRunner().execute(
                        "INSERT INTO c.race SELECT %s + x, %s, 'row ' || CAST(x AS varchar) FROM UNNEST(sequence(1, %s)) AS t(x)".formatted(base, writerId, rowsPerWriter))));
            }
            for (Future<?> insert : inserts) {
                insert.get();
            }
        }
        finally {
            executor.shutdownNow();
        }
        assertThat(query("SELECT count(*), count(DISTINCT id), min(id), max(id), count(DISTINCT writer) FROM c.race"))
                .matches("VALUES (BIGINT '16000', BIGINT '16000', BIGINT '1', BIGINT '16000', BIGINT '8')");

        // the create log and one log per insert, each naming distinct parts that exist
        List<String> logs = server.listKeys(BUCKET, "warehouse/c/race/_log/");
        assertThat(logs).hasSize(writers + 1);
        Set<String> parts = new HashSet<>();
        int insertLogs = 0;
        for (String key : logs) {
            ResponseBytes<GetObjectResponse> object = server.client().getObjectAsBytes(request -> request.bucket(BUCKET).key(key));
            LogFile log = LogFileParser.parse(key, object.asByteArray());
            assertThat(LogFileParser.write(log)).isEqualTo(object.asByteArray());
            if (!log.fileMarkers().isEmpty()) {
                insertLogs++;
            }
            for (FileMarker marker : log.fileMarkers()) {
                assertThat(parts.add(marker.path())).isTrue();
            }
        }
        assertThat(insertLogs).isEqualTo(writers);
        assertThat(new HashSet<>(server.listKeys(BUCKET, "warehouse/c/race/_data/"))).isEqualTo(parts);
    }

    /**
     * Statements racing to create one table: exactly one creates it, with its rows only; the others fail with
     * {@code ALREADY_EXISTS} and commit nothing.
     */
    @Test
    public void testRacingCreatesMakeOneTable()
            throws Exception
    {
        // a schema of their own: the failed statements' parts stay behind as orphans
        assertUpdate("CREATE SCHEMA icedb.create_race");
        int writers = 4;
        ExecutorService executor = Executors.newFixedThreadPool(writers);
        try {
            for (int round = 0; round < 4; round++) {
                String table = "create_race.t" + round;
                boolean withRows = round % 2 == 0;
                List<Future<?>> creates = new ArrayList<>();
                for (int writer = 0; writer < writers; writer++) {
                    String sql = withRows
                            ? "CREATE TABLE %s AS SELECT %s AS writer, x AS id FROM UNNEST(sequence(1, 500)) AS t(x)".formatted(table, writer)
                            : "CREATE TABLE %s (writer integer, id bigint, c%s varchar)".formatted(table, writer);
                    creates.add(executor.submit(() -> getQueryRunner().execute(sql)));
                }
                int failed = 0;
                for (Future<?> create : creates) {
                    try {
                        create.get();
                    }
                    catch (ExecutionException e) {
                        failed++;
                        assertThat(e.getCause()).hasMessageContaining("already exists");
                    }
                }
                assertThat(failed).as(table).isEqualTo(writers - 1);
                assertThat(server.listKeys(BUCKET, "warehouse/" + table.replace('.', '/') + "/_log/")).as(table).hasSize(1);
                if (withRows) {
                    assertThat(query("SELECT count(*), count(DISTINCT id), count(DISTINCT writer) FROM " + table))
                            .matches("VALUES (BIGINT '500', BIGINT '500', BIGINT '1')");
                }
                else {
                    // the columns of one statement only
                    assertThat(computeActual("SHOW COLUMNS FROM " + table).getRowCount()).isEqualTo(3);
                }
            }
        }
        finally {
            executor.shutdownNow();
        }
    }

    @Test
    public void testPartitionValuesStayInsideDataOnS3()
    {
        // a schema of its own: every object under it is this table's
        assertUpdate("CREATE SCHEMA icedb.odd");
        assertUpdate("CREATE TABLE odd.odd_values (id integer, p varchar) WITH (partitioning = ARRAY['p'])");
        assertUpdate("INSERT INTO odd.odd_values VALUES (1, 'a/b'), (2, '../x'), (3, 'k=v'), (4, '%'), (5, ''), (6, NULL), (7, 'ü名😀'), (8, '..'), (9, '/')", 9);
        assertThat(query("SELECT id, p FROM odd.odd_values"))
                .matches("VALUES (1, VARCHAR 'a/b'), (2, '../x'), (3, 'k=v'), (4, '%'), (5, ''), (6, NULL), (7, 'ü名😀'), (8, '..'), (9, '/')");
        assertThat(query("SELECT id FROM odd.odd_values WHERE p = '../x'")).matches("VALUES 2");
        List<String> keys = server.listKeys(BUCKET, "warehouse/odd/");
        assertThat(keys).filteredOn(key -> key.endsWith(".parquet")).hasSizeBetween(8, 9).allSatisfy(key -> {
            assertThat(key).startsWith("warehouse/odd/odd_values/_data/p=");
            // exactly one directory level below _data/: the partition segment
            assertThat(key.substring("warehouse/odd/odd_values/_data/".length()).split("/")).hasSize(2);
        });
    }

    @Test
    public void testFailedInsertCommitsNothing()
    {
        assertUpdate("CREATE TABLE c.failing (id bigint)");
        assertUpdate("INSERT INTO c.failing VALUES 1", 1);
        assertThat(query("INSERT INTO c.failing SELECT CASE WHEN x = 5000 THEN CAST(fail('boom') AS bigint) ELSE x END FROM UNNEST(sequence(1, 10000)) AS t(x)"))
                .failure().hasMessageContaining("boom");
        assertThat(query("SELECT count(*) FROM c.failing")).matches("VALUES BIGINT '1'");
        assertThat(server.listKeys(BUCKET, "warehouse/c/failing/_log/")).hasSize(2);
        // parts of the failed insert are deleted by the aborted writers or, if a writer had finished, named by no log
        List<String> named = new ArrayList<>();
        for (String key : server.listKeys(BUCKET, "warehouse/c/failing/_log/")) {
            LogFile log = LogFileParser.parse(key, server.client().getObjectAsBytes(request -> request.bucket(BUCKET).key(key)).asByteArray());
            log.fileMarkers().forEach(marker -> named.add(marker.path()));
        }
        assertThat(named).hasSize(1);
        assertThat(server.listKeys(BUCKET, "warehouse/c/failing/_data/")).contains(named.getFirst());
        assertThat(computeActual("SELECT DISTINCT \"$path\" FROM c.failing").getOnlyValue()).isEqualTo("s3://" + BUCKET + "/" + named.getFirst());
    }
}
