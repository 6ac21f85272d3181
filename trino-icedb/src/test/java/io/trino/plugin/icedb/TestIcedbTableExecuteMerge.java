package io.trino.plugin.icedb;

import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.MaterializedResult;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code ALTER TABLE ... EXECUTE merge} on a multi-node cluster over an S3 server in the JVM.
 */
public class TestIcedbTableExecuteMerge
        extends AbstractTestQueryFramework
{
    private static final String BUCKET = "execute-merge";

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        TestingIcedbS3Server server = closeAfterClass(new TestingIcedbS3Server());
        server.createBucket(BUCKET);
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setS3Warehouse(server, "s3://" + BUCKET)
                .build();
        assertThat(queryRunner.getNodeCount()).isGreaterThanOrEqualTo(2);
        queryRunner.execute("CREATE SCHEMA icedb.em");
        return queryRunner;
    }

    @Test
    public void testMergeWholeTable()
    {
        String table = "em.whole";
        createHistory(table);
        MaterializedResult before = checksum(table, "");
        long versionBefore = newestLogVersion(table);
        assertThat(partCount(table, "")).isEqualTo(8);

        assertUpdate("ALTER TABLE %s EXECUTE merge(max_file_size => 10000000, max_file_count => 10)".formatted(table));

        assertThat(checksum(table, "")).isEqualTo(before);
        assertThat(partCount(table, "")).isEqualTo(2);
        assertThat(computeActual("SELECT count(*) FROM %s WHERE merged".formatted(systemTable(table, "log"))).getOnlyValue()).isEqualTo(1L);
        assertThat(computeActual("SELECT file_markers, tombstoned_markers FROM %s WHERE merged".formatted(systemTable(table, "log"))).getMaterializedRows().getFirst().getFields())
                .containsExactly(10L, 8L);
        // time travel to before the merge: the old parts, the same rows
        assertThat(checksum(table, "FOR VERSION AS OF " + versionBefore)).isEqualTo(before);
        assertThat(partCount(table, "FOR VERSION AS OF " + versionBefore)).isEqualTo(8);

        // nothing left to merge: no new log
        assertUpdate("ALTER TABLE %s EXECUTE merge".formatted(table));
        assertThat(computeActual("SELECT count(*) FROM %s WHERE merged".formatted(systemTable(table, "log"))).getOnlyValue()).isEqualTo(1L);
        assertThat(checksum(table, "")).isEqualTo(before);
    }

    @Test
    public void testMergeOnePartition()
    {
        String table = "em.one_partition";
        createHistory(table);
        MaterializedResult before = checksum(table, "");

        assertUpdate("ALTER TABLE %s EXECUTE merge WHERE \"$partition\" = 'cust=a'".formatted(table));

        assertThat(checksum(table, "")).isEqualTo(before);
        assertThat(computeActual("SELECT partition, count(*) FROM %s GROUP BY partition".formatted(systemTable(table, "files"))).getMaterializedRows())
                .extracting(row -> row.getField(0) + ":" + row.getField(1))
                .containsExactlyInAnyOrder("cust=a:1", "cust=b:4");
        assertThat(computeActual("SELECT count(*) FROM %s WHERE merged".formatted(systemTable(table, "log"))).getOnlyValue()).isEqualTo(1L);
    }

    @Test
    public void testWhereOnPartitionColumn()
    {
        String table = "em.where_column";
        createHistory(table);
        assertUpdate("ALTER TABLE %s EXECUTE merge WHERE cust = 'b'".formatted(table));
        assertThat(computeActual("SELECT partition, count(*) FROM %s GROUP BY partition".formatted(systemTable(table, "files"))).getMaterializedRows())
                .extracting(row -> row.getField(0) + ":" + row.getField(1))
                .containsExactlyInAnyOrder("cust=a:4", "cust=b:1");
    }

    @Test
    public void testInvalidArguments()
    {
        String table = "em.invalid";
        createHistory(table);
        assertThatThrownBy(() -> computeActual("ALTER TABLE %s EXECUTE merge(max_file_count => 1)".formatted(table)))
                .hasMessageContaining("max_file_count must be at least 2");
        assertThatThrownBy(() -> computeActual("ALTER TABLE %s EXECUTE merge(max_file_size => 0)".formatted(table)))
                .hasMessageContaining("max_file_size must be positive");
        assertThat(partCount(table, "")).isEqualTo(8);
    }

    private void createHistory(String table)
    {
        assertUpdate("CREATE TABLE %s (id bigint, val double, note varchar, cust varchar) WITH (partitioning = ARRAY['cust'])".formatted(table));
        for (int i = 0; i < 4; i++) {
            assertUpdate("INSERT INTO %s VALUES (%s, %s.5, 'n%s', 'a'), (%s, %s.25, NULL, 'b'), (%s, %s.75, 'm', 'a')".formatted(table, 10 * i, i, i, 10 * i + 1, i, 10 * i + 2, i), 3);
        }
    }

    private MaterializedResult checksum(String table, String version)
    {
        return computeActual("SELECT count(*), sum(id), sum(val), count(note), checksum(note), checksum(cust) FROM %s %s".formatted(table, version));
    }

    private long partCount(String table, String version)
    {
        return (long) computeActual("SELECT count(DISTINCT \"$path\") FROM %s %s".formatted(table, version)).getOnlyValue();
    }

    private long newestLogVersion(String table)
    {
        return (long) computeActual("SELECT CAST(to_unixtime(max(timestamp)) * 1000 AS bigint) FROM %s".formatted(systemTable(table, "log"))).getOnlyValue();
    }

    private static String systemTable(String table, String suffix)
    {
        String[] parts = table.split("\\.");
        return "%s.\"%s$%s\"".formatted(parts[0], parts[1], suffix);
    }
}
