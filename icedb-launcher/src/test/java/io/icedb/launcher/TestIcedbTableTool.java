package io.icedb.launcher;

import io.trino.plugin.icedb.TestingIcedbS3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS;

/**
 * {@code ./icedb inspect} and {@code ./icedb files} on an {@code s3://} root, against the in-JVM S3 server holding a
 * copy of Python IceDB's README table.
 */
@TestInstance(PER_CLASS)
final class TestIcedbTableTool
{
    private static final String BUCKET = "python";
    private static final String PART_A = "readme/_data/u=user_a/d=2023-06-07/10c3abb5-6637-428c-9e4e-c987ccfc3c7c.parquet";
    private static final String PART_B = "readme/_data/u=user_b/d=2023-02-11/71d2c21c-d2f0-4b72-82ed-e696fc8be90a.parquet";

    private final TestingIcedbS3Server server;
    private final Map<String, String> environment;

    TestIcedbTableTool()
    {
        server = new TestingIcedbS3Server();
        server.createBucket(BUCKET);
        server.uploadDirectory(LauncherTesting.fixtures().resolve("warehouse"), BUCKET);
        environment = Map.of(
                "AWS_ACCESS_KEY_ID", TestingIcedbS3Server.ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", TestingIcedbS3Server.SECRET_KEY,
                "AWS_REGION", TestingIcedbS3Server.REGION);
    }

    @AfterAll
    void tearDown()
            throws Exception
    {
        server.close();
    }

    @Test
    void testFilesOnS3PrintsS3Uris()
    {
        Result result = run(environment, "files", "s3://" + BUCKET, "readme", "--s3-endpoint", server.endpoint());
        assertThat(result.err()).isEmpty();
        assertThat(result.status()).isZero();
        assertThat(result.out()).isEqualTo("s3://%s/%s\ns3://%s/%s\n".formatted(BUCKET, PART_A, BUCKET, PART_B));

        Result duckDb = run(environment, "files", "s3://" + BUCKET + "/", "readme/", "--s3-endpoint=" + server.endpoint(), "--format", "duckdb");
        assertThat(duckDb.status()).isZero();
        assertThat(duckDb.out()).contains("'s3://%s/%s'".formatted(BUCKET, PART_A)).startsWith("SELECT * FROM read_parquet([");
    }

    @Test
    void testInspectOnS3()
    {
        Result result = run(Map.of(), "inspect", "s3://" + BUCKET, "readme", "--s3-endpoint", server.endpoint(),
                "--s3-access-key", TestingIcedbS3Server.ACCESS_KEY, "--s3-path-style-access", "true");
        // the access key alone is refused: the secret comes from the environment only
        assertThat(result.status()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("icedb: an S3 access key needs its secret key in AWS_SECRET_ACCESS_KEY\n");

        result = run(Map.of("AWS_SECRET_ACCESS_KEY", TestingIcedbS3Server.SECRET_KEY), "inspect", "s3://" + BUCKET, "readme",
                "--s3-endpoint", server.endpoint(), "--s3-access-key", TestingIcedbS3Server.ACCESS_KEY, "--s3-region", "us-east-1");
        assertThat(result.err()).isEmpty();
        assertThat(result.status()).isZero();
        assertThat(result.out())
                .contains("\"path\" : \"" + PART_A + "\"")
                .contains("\"log_files\" : [ \"readme/_log/1795579471416_heldout-py.jsonl\" ]");
    }

    @Test
    void testErrors()
    {
        Result secretOnCommandLine = run(environment, "files", "s3://" + BUCKET, "readme", "--s3-secret-key", "visible-to-ps");
        assertThat(secretOnCommandLine.status()).isEqualTo(1);
        assertThat(secretOnCommandLine.err()).contains("never taken from the command line").contains("AWS_SECRET_ACCESS_KEY").doesNotContain("visible-to-ps");

        Result notABucket = run(environment, "files", "s3://" + BUCKET + "/readme", "x", "--s3-endpoint", server.endpoint());
        assertThat(notABucket.status()).isEqualTo(1);
        assertThat(notABucket.err()).contains("must be a bucket, s3://<bucket>").hasLineCount(1);

        Result noTable = run(environment, "files", "s3://" + BUCKET, "no_table", "--s3-endpoint", server.endpoint());
        assertThat(noTable.status()).isEqualTo(1);
        assertThat(noTable.err()).contains("Table 'no_table' has no log files").hasLineCount(1);
    }

    @Test
    void testLocalRootsStillWork()
            throws Exception
    {
        Path warehouse = LauncherTesting.fixtures().resolve("warehouse");
        Result result = run(Map.of(), "files", warehouse.toString(), "readme", "--format", "duckdb");
        assertThat(result.status()).isZero();
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*), count(DISTINCT user_id) FROM (" + result.out().strip().replaceAll(";$", "") + ")")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getLong(1)).isEqualTo(4);
            assertThat(rows.getLong(2)).isEqualTo(2);
        }
    }

    private static Result run(Map<String, String> environment, String... args)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = IcedbTableTool.run(args, environment, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
        return new Result(status, out.toString(UTF_8), err.toString(UTF_8));
    }

    private record Result(int status, String out, String err) {}
}
