package io.trino.plugin.icedb.mergeengine;

import io.trino.plugin.icedb.IcedbQueryRunner;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static org.assertj.core.api.Assertions.assertThat;

public class TestIcedbMergeEngineSmoke
        extends AbstractTestQueryFramework
{
    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        Path root = Files.createTempDirectory("icedb-merge-engine-smoke");
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setLocalWarehouse(root)
                .registerResource(() -> deleteRecursively(root, ALLOW_INSECURE))
                .build();
        queryRunner.execute("CREATE SCHEMA icedb.me");
        return queryRunner;
    }

    @Test
    public void testSmoke()
    {
        assertUpdate("CREATE TABLE me.d (k bigint, v bigint, p varchar) WITH (primary_key = ARRAY['k'], merge_engine = 'deduplicate', version_column = 'v')");
        assertUpdate("INSERT INTO me.d VALUES (1, 1, 'a'), (2, 5, 'b'), (1, 3, 'c')", 3);
        assertUpdate("INSERT INTO me.d VALUES (1, 2, 'd'), (2, 6, 'e'), (3, 1, 'f')", 3);
        assertThat(query("SELECT k, v, p FROM me.d")).matches("VALUES (BIGINT '1', BIGINT '3', VARCHAR 'c'), (2, 6, 'e'), (3, 1, 'f')");
        assertThat(query("SELECT count(*) FROM me.d")).matches("VALUES BIGINT '3'");
        assertThat(query("SELECT p FROM me.d WHERE p = 'd'")).returnsEmptyResult();
        assertThat(query("SELECT p FROM me.d WHERE k = 1")).matches("VALUES VARCHAR 'c'");
        assertThat(query(noMergeOnRead(), "SELECT count(*) FROM me.d")).matches("VALUES BIGINT '6'");
        assertUpdate("CALL icedb.system.merge('me', 'd')");
        assertThat(query(noMergeOnRead(), "SELECT count(*) FROM me.d")).matches("VALUES BIGINT '3'");
        assertThat(query("SELECT k, v, p FROM me.d")).matches("VALUES (BIGINT '1', BIGINT '3', VARCHAR 'c'), (2, 6, 'e'), (3, 1, 'f')");
        assertUpdate("DELETE FROM me.d WHERE k = 2", 1);
        assertUpdate("UPDATE me.d SET p = 'z' WHERE k = 1", 1);
        assertThat(query("SELECT k, v, p FROM me.d")).matches("VALUES (BIGINT '1', BIGINT '3', VARCHAR 'z'), (3, 1, 'f')");
    }

    private io.trino.Session noMergeOnRead()
    {
        return io.trino.Session.builder(getSession()).setCatalogSessionProperty("icedb", "merge_on_read_enabled", "false").build();
    }
}
