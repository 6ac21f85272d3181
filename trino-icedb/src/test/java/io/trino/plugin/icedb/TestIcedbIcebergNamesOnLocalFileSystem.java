package io.trino.plugin.icedb;

import io.trino.testing.QueryRunner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static org.assertj.core.api.Assertions.assertThat;

public class TestIcedbIcebergNamesOnLocalFileSystem
        extends BaseIcedbIcebergNamesTest
{
    private Path root;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        root = Files.createTempDirectory("icedb-names");
        Path directory = root;
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setLocalWarehouse(root)
                .addIcedbProperty("icedb.cleanup.min-retention", "1s")
                .registerResource(() -> deleteRecursively(directory, ALLOW_INSECURE))
                .build();
        queryRunner.execute("CREATE SCHEMA icedb." + SCHEMA);
        return queryRunner;
    }

    @Override
    protected void deleteObject(String path)
    {
        assertThat(path).startsWith("local:///");
        try {
            Files.delete(root.resolve(path.substring("local:///".length())));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
