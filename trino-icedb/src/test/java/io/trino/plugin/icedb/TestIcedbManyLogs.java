package io.trino.plugin.icedb;

import com.google.common.base.Stopwatch;
import io.airlift.log.Logger;
import io.icedb.engine.spec.FileMarker;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A table of 10,000 logs plans and reads correctly; the time of a first (uncached) and a second (cached) query is
 * logged for the benchmark issue.
 */
public class TestIcedbManyLogs
        extends AbstractTestQueryFramework
{
    private static final Logger log = Logger.get(TestIcedbManyLogs.class);
    private static final int LOGS = 10_000;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        Path root = Files.createTempDirectory("icedb-many-logs");
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setLocalWarehouse(root)
                .registerResource(() -> deleteRecursively(root, ALLOW_INSECURE))
                .build();
        FileMarker part = TestingLocalTables.writePart(root, "s/many", "p=1", "SELECT range AS x FROM range(10)", 2048);
        TestingLocalTables.writeLog(root, "s/many", 1_000_000, Map.of("x", "BIGINT"), List.of(part));
        for (int i = 1; i < LOGS; i++) {
            // each later log repeats the marker, as a merge-heavy history does
            TestingLocalTables.writeLog(root, "s/many", 1_000_000 + i, Map.of("x", "BIGINT"), List.of(part));
        }
        return queryRunner;
    }

    @Test
    public void testTenThousandLogs()
    {
        Stopwatch first = Stopwatch.createStarted();
        assertThat(query("SELECT count(*), sum(x) FROM s.many")).matches("VALUES (BIGINT '10', BIGINT '45')");
        long firstMillis = first.elapsed(MILLISECONDS);
        Stopwatch second = Stopwatch.createStarted();
        assertThat(query("SELECT count(*) FROM s.many")).matches("VALUES BIGINT '10'");
        long secondMillis = second.elapsed(MILLISECONDS);
        assertThat(query("SELECT count(*) FROM s.\"many$log\"")).matches("VALUES BIGINT '" + LOGS + "'");
        assertThat(query("SELECT count(*) FROM s.many FOR VERSION AS OF 1000000")).matches("VALUES BIGINT '10'");
        log.info("%s logs: first query %s ms (logs parsed), second query %s ms (logs cached)", LOGS, firstMillis, secondMillis);
        assertThat(secondMillis).isLessThan(60_000);
    }
}
