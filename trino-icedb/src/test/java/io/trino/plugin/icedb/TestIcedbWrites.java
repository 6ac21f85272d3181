package io.trino.plugin.icedb;

import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The write path on a local warehouse: DDL, inserts, partitioning, sorting, comments and the errors.
 */
public class TestIcedbWrites
        extends AbstractTestQueryFramework
{
    private Path root;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        root = Files.createTempDirectory("icedb-writes");
        Path directory = root;
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setLocalWarehouse(root)
                .registerResource(() -> deleteRecursively(directory, ALLOW_INSECURE))
                .build();
        queryRunner.execute("CREATE SCHEMA icedb.w");
        return queryRunner;
    }

    @Test
    public void testCreateInsertSelect()
    {
        assertUpdate("CREATE TABLE w.simple (id bigint, name varchar)");
        assertThat(query("SELECT count(*) FROM w.simple")).matches("VALUES BIGINT '0'");
        assertUpdate("INSERT INTO w.simple VALUES (1, 'a'), (2, 'b')", 2);
        assertUpdate("INSERT INTO w.simple VALUES (3, 'c')", 1);
        assertThat(query("SELECT id, name FROM w.simple")).matches("VALUES (BIGINT '1', VARCHAR 'a'), (2, 'b'), (3, 'c')");
        assertUpdate("DROP TABLE w.simple");
        assertThat(query("SHOW TABLES FROM w LIKE 'simple'")).returnsEmptyResult();
    }
}
