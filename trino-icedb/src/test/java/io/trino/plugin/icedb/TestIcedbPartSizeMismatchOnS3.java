package io.trino.plugin.icedb;

import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.spec.LogFileParser;
import io.icedb.engine.spec.Schema;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_BAD_DATA;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A marker whose size {@code b} differs from the part's is reported as a size mismatch naming the part, the table,
 * the expected and the actual size, not as a corrupted part (issue 11, case 7). On S3 the part's tail is read at the
 * marker's size.
 */
public class TestIcedbPartSizeMismatchOnS3
        extends AbstractTestQueryFramework
{
    private static final String BUCKET = "sizes";

    private TestingIcedbS3Server server;
    private Path workDirectory;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        server = closeAfterClass(new TestingIcedbS3Server());
        server.createBucket(BUCKET);
        workDirectory = Files.createTempDirectory("icedb-sizes");
        closeAfterClass(() -> deleteRecursively(workDirectory, ALLOW_INSECURE));
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setS3Warehouse(server, "s3://" + BUCKET + "/warehouse")
                .build();
        queryRunner.execute("CREATE SCHEMA icedb.s");
        return queryRunner;
    }

    @Test
    public void testWrongMarkerSizeIsReportedAsSuch()
            throws Exception
    {
        for (long delta : List.of(-100L, 100L)) {
            String table = delta < 0 ? "smaller" : "larger";
            String prefix = "warehouse/s/" + table;
            FileMarker written = TestingLocalTables.writePart(workDirectory, prefix, "", "SELECT x AS a FROM range(1000) t(x)", 1000);
            server.putObject(BUCKET, written.path(), Files.readAllBytes(workDirectory.resolve(written.path())));
            FileMarker wrong = FileMarker.alive(written.path(), written.bytes() + delta, written.createdMillis());
            long now = System.currentTimeMillis();
            server.putObject(BUCKET, prefix + "/_log/" + LogFileName.forWriter(now, false, "test").fileName(),
                    LogFileParser.write(new LogFile(now, new Schema(Map.of("a", "BIGINT")), List.of(), List.of(wrong))));
            assertThat(query("SELECT sum(a) FROM s." + table))
                    .failure()
                    .hasErrorCode(ICEDB_BAD_DATA)
                    .hasMessageContaining("Size mismatch for part s3://%s/%s of table s.%s: the log says %s bytes, the object has %s".formatted(BUCKET, written.path(), table, written.bytes() + delta, written.bytes()));
        }
    }
}
