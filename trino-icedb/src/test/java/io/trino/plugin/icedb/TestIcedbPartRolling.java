package io.trino.plugin.icedb;

import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.MaterializedRow;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Parts are rolled at {@code icedb.target-file-size}, and a sorted table's rows are buffered at most up to
 * {@code icedb.sort-buffer-size} before they are sorted and written as one part.
 */
public class TestIcedbPartRolling
        extends AbstractTestQueryFramework
{
    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        Path root = Files.createTempDirectory("icedb-rolling");
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setLocalWarehouse(root)
                .addIcedbProperty("icedb.target-file-size", "64kB")
                .addIcedbProperty("icedb.sort-buffer-size", "256kB")
                .registerResource(() -> deleteRecursively(root, ALLOW_INSECURE))
                .build();
        queryRunner.execute("CREATE SCHEMA icedb.r");
        return queryRunner;
    }

    @Test
    public void testPartsRollAtTargetSize()
    {
        assertUpdate("CREATE TABLE r.rolled AS SELECT orderkey, comment FROM tpch.tiny.orders", 15000);
        assertThat(query("SELECT count(*), sum(orderkey) FROM r.rolled")).matches("SELECT count(*), sum(orderkey) FROM tpch.tiny.orders");
        List<MaterializedRow> parts = computeActual("SELECT \"$path\", max(\"$file_size\") FROM r.rolled GROUP BY 1").getMaterializedRows();
        assertThat(parts.size()).isGreaterThan(4);
        // a part is finished once it reaches the target: it exceeds it by at most one page's worth
        assertThat(parts).allSatisfy(part -> assertThat((long) part.getField(1)).isLessThan(1024 * 1024));
    }

    @Test
    public void testSortedPartsWithBoundedBuffer()
    {
        assertUpdate("CREATE TABLE r.sorted WITH (sorted_by = ARRAY['custkey', 'orderkey DESC']) AS SELECT orderkey, custkey, comment FROM tpch.tiny.orders", 15000);
        List<MaterializedRow> parts = computeActual("SELECT DISTINCT \"$path\" FROM r.sorted").getMaterializedRows();
        assertThat(parts.size()).isGreaterThan(1);
        for (MaterializedRow part : parts) {
            List<MaterializedRow> rows = computeActual("SELECT custkey, orderkey FROM r.sorted WHERE \"$path\" = '" + part.getField(0) + "'").getMaterializedRows();
            for (int i = 1; i < rows.size(); i++) {
                long previousCustomer = (long) rows.get(i - 1).getField(0);
                long customer = (long) rows.get(i).getField(0);
                assertThat(previousCustomer).isLessThanOrEqualTo(customer);
                if (previousCustomer == customer) {
                    assertThat((long) rows.get(i - 1).getField(1)).isGreaterThan((long) rows.get(i).getField(1));
                }
            }
        }
        assertThat(query("SELECT count(*), count(DISTINCT orderkey) FROM r.sorted")).matches("VALUES (BIGINT '15000', BIGINT '15000')");
    }
}
