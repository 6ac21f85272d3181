package io.trino.plugin.icedb;

import io.trino.testing.QueryRunner;

import java.nio.file.Files;
import java.nio.file.Path;

import static com.google.common.collect.ImmutableMap.toImmutableMap;
import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static java.util.function.Function.identity;

/**
 * The fixture bucket copied to a local directory that plays the bucket ({@code local:///}); tables registered in place.
 */
public class TestIcedbFixtureReadsOnLocalFileSystem
        extends BaseIcedbFixtureReadsTest
{
    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        Path root = Files.createTempDirectory("icedb-local-fixtures");
        IcedbFixtures.copyBucket(IcedbFixtures.BUCKET, root);
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setLocalWarehouse(root)
                .registerResource(() -> deleteRecursively(root, ALLOW_INSECURE))
                .build();
        registerFixtures(queryRunner, IcedbFixtures.TABLES.stream().collect(toImmutableMap(identity(), table -> fixtureTableLocation(IcedbFixtures.BUCKET, table))));
        return queryRunner;
    }

    @Override
    protected String fixtureTableLocation(String bucket, String table)
    {
        return "local:///" + table;
    }
}
