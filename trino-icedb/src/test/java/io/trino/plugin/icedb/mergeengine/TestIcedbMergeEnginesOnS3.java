package io.trino.plugin.icedb.mergeengine;

import io.trino.plugin.icedb.IcedbQueryRunner;
import io.trino.plugin.icedb.TestingIcedbS3Server;
import io.trino.plugin.memory.MemoryPlugin;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Tag;

// heavy: the S3 twin of TestIcedbMergeEnginesOnLocalFileSystem, against the in-JVM S3 server
@Tag("heavy")
public class TestIcedbMergeEnginesOnS3
        extends BaseIcedbMergeEngineTest
{
    private static final String BUCKET = "merge-engines";

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        TestingIcedbS3Server server = closeAfterClass(new TestingIcedbS3Server());
        server.createBucket(BUCKET);
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setS3Warehouse(server, "s3://" + BUCKET)
                .build();
        queryRunner.installPlugin(new MemoryPlugin());
        queryRunner.createCatalog("memory", "memory");
        queryRunner.execute("CREATE SCHEMA icedb." + SCHEMA);
        return queryRunner;
    }

    @Override
    protected int randomSteps()
    {
        return 6;
    }
}
