package io.trino.plugin.icedb;

import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Tag;

import static org.assertj.core.api.Assertions.assertThat;

// heavy: the same tests as on the local file system, against the in-JVM S3 server
@Tag("heavy")
public class TestIcedbIcebergNamesOnS3
        extends BaseIcedbIcebergNamesTest
{
    private static final String BUCKET = "names";

    private TestingIcedbS3Server server;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        server = closeAfterClass(new TestingIcedbS3Server());
        server.createBucket(BUCKET);
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setS3Warehouse(server, "s3://" + BUCKET)
                .addIcedbProperty("icedb.cleanup.min-retention", "1s")
                .build();
        queryRunner.execute("CREATE SCHEMA icedb." + SCHEMA);
        return queryRunner;
    }

    @Override
    protected void deleteObject(String path)
    {
        String prefix = "s3://" + BUCKET + "/";
        assertThat(path).startsWith(prefix);
        server.deleteObject(BUCKET, path.substring(prefix.length()));
        assertThat(server.listKeys(BUCKET, path.substring(prefix.length()))).isEmpty();
    }
}
