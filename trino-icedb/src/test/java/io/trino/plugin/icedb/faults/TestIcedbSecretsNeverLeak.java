package io.trino.plugin.icedb.faults;

import com.google.common.base.Throwables;
import com.google.common.collect.ImmutableMap;
import io.trino.plugin.icedb.IcedbQueryRunner;
import io.trino.plugin.icedb.TestingIcedbS3Server;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.DistributedQueryRunner;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.trino.plugin.icedb.faults.FaultyS3Proxy.Fault.APPLIED_THEN_FAILED;
import static io.trino.plugin.icedb.faults.FaultyS3Proxy.Fault.INTERNAL_ERROR;
import static io.trino.plugin.icedb.faults.FaultyS3Proxy.Fault.SERVICE_UNAVAILABLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.parallel.ExecutionMode.SAME_THREAD;

/**
 * No secret of the catalog (its S3 secret key) appears in any log line, error message or process argument, during a run
 * that starts catalogs, fails on an unreachable S3 endpoint, and retries and fails
 * through a faulty proxy. Every log record of the JVM at any level is captured through {@code java.util.logging}, where
 * airlift's logging goes; the records of the test S3 server itself ({@code org.gaul}) are not ours and are skipped. The
 * launcher's process arguments are checked by {@code TestIcedbLauncher} (it passes the secret by environment).
 */
// heavy: waits out an unreachable endpoint's retries
@Tag("heavy")
@Execution(SAME_THREAD)
public class TestIcedbSecretsNeverLeak
        extends AbstractTestQueryFramework
{
    private static final String BUCKET = "secrets";

    private final List<String> logLines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler()
    {
        @Override
        public void publish(LogRecord record)
        {
            if (record.getLoggerName() != null && record.getLoggerName().startsWith("org.gaul")) {
                return;
            }
            StringBuilder line = new StringBuilder();
            line.append(record.getLevel()).append(' ').append(record.getLoggerName()).append(' ').append(record.getMessage());
            if (record.getParameters() != null) {
                for (Object parameter : record.getParameters()) {
                    line.append(' ').append(parameter);
                }
            }
            if (record.getThrown() != null) {
                line.append(' ').append(Throwables.getStackTraceAsString(record.getThrown()));
            }
            logLines.add(line.toString());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private TestingIcedbS3Server server;
    private FaultyS3Proxy proxy;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        Logger root = Logger.getLogger("");
        capture.setLevel(Level.ALL);
        root.addHandler(capture);

        server = closeAfterClass(new TestingIcedbS3Server());
        server.createBucket(BUCKET);
        proxy = closeAfterClass(new FaultyS3Proxy(server.endpoint()));
        DistributedQueryRunner queryRunner = IcedbQueryRunner.builder()
                .setS3Warehouse(server, "s3://" + BUCKET + "/warehouse")
                .addIcedbProperty("s3.endpoint", proxy.endpoint())
                .addIcedbProperty("s3.max-error-retries", "2")
                .build();
        // a catalog on an endpoint nobody listens on
        Map<String, String> unreachable = new HashMap<>(server.catalogProperties());
        unreachable.put("s3.endpoint", "http://127.0.0.1:9");
        unreachable.put("s3.max-error-retries", "1");
        unreachable.put("s3.socket-connect-timeout", "1s");
        unreachable.put("icedb.warehouse", "s3://" + BUCKET + "/warehouse");
        queryRunner.createCatalog("unreachable", "icedb", ImmutableMap.copyOf(unreachable));
        queryRunner.execute("CREATE SCHEMA icedb.s");
        return queryRunner;
    }

    @AfterAll
    public void removeCapture()
    {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    public void testSecretNeverInLogsErrorsOrArguments()
    {
        String secret = TestingIcedbS3Server.SECRET_KEY;
        List<String> errors = new ArrayList<>();

        // storage errors on an unreachable endpoint: listing, reading, creating
        errors.add(failure("SHOW TABLES FROM unreachable.s"));
        errors.add(failure("SELECT * FROM unreachable.s.t"));
        errors.add(failure("CREATE TABLE unreachable.s.t (a bigint)"));

        // through the faulty proxy: retried errors, a commit failing for good, reads failing for good
        assertUpdate("CREATE TABLE s.t (a bigint)");
        proxy.inject("PUT", "/s/t/_log/", INTERNAL_ERROR, 1);
        proxy.inject("PUT", "/s/t/_data/", APPLIED_THEN_FAILED, 1);
        errors.add(failure("INSERT INTO s.t VALUES 1"));
        proxy.clearFaults();
        proxy.inject("PUT", "/s/t/_log/", SERVICE_UNAVAILABLE, 1_000);
        errors.add(failure("INSERT INTO s.t VALUES 2"));
        proxy.clearFaults();
        proxy.inject("GET", "/s/t/", INTERNAL_ERROR, 1_000);
        errors.add(failure("SELECT * FROM s.t"));
        proxy.clearFaults();
        assertUpdate("INSERT INTO s.t VALUES 3", 1);

        assertThat(errors).allSatisfy(error -> assertThat(error).isNotEmpty().doesNotContain(secret));
        // the errors carry the endpoint (the secret's neighbour in the catalog) and the cause
        assertThat(errors.getFirst()).contains("127.0.0.1:9");
        assertThat(logLines).as("log lines").isNotEmpty();
        // the capture sees our storage errors: the committer's warnings about the failed creates, with their causes
        assertThat(logLines).anySatisfy(line -> assertThat(line).contains("WARNING").contains("warehouse/s/t/_log/").contains("503"));
        assertThat(logLines).noneSatisfy(line -> assertThat(line).contains(secret));
        // no argument of this process
        assertThat(ProcessHandle.current().info().arguments().orElse(new String[0])).noneSatisfy(argument -> assertThat(argument).contains(secret));
        assertThat(ProcessHandle.current().info().commandLine().orElse("")).doesNotContain(secret);
    }

    private String failure(String sql)
    {
        try {
            getQueryRunner().execute(sql);
        }
        catch (RuntimeException e) {
            return Throwables.getStackTraceAsString(e);
        }
        throw new AssertionError("Expected a failure: " + sql);
    }
}
