package io.trino.plugin.icedb;

import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static java.util.Locale.ENGLISH;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connector's JMX beans (exported as Hive's and Iceberg's are): snapshot reads, insert commits and the log cache,
 * bounded by {@code icedb.log-cache.max-size}.
 */
public class TestIcedbJmx
        extends AbstractTestQueryFramework
{
    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        Path root = Files.createTempDirectory("icedb-jmx");
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setLocalWarehouse(root)
                .addIcedbProperty("icedb.log-cache.max-size", "16MB")
                .registerResource(() -> deleteRecursively(root, ALLOW_INSECURE))
                .build();
        queryRunner.execute("CREATE SCHEMA icedb.jmx");
        return queryRunner;
    }

    @Test
    public void testBeans()
            throws Exception
    {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName loader = bean(server, "icedbsnapshotloader");
        ObjectName committer = bean(server, "icedblogcommitter");
        ObjectName cache = bean(server, "icedblogcache");
        assertThat((long) server.getAttribute(cache, "MaxSizeInBytes")).isEqualTo(16L * 1024 * 1024);

        long reads = (long) server.getAttribute(loader, "SnapshotReads.AllTime.Count");
        long commits = (long) server.getAttribute(committer, "Commits.AllTime.Count");
        long misses = (long) server.getAttribute(cache, "MissCount");
        long hits = (long) server.getAttribute(cache, "HitCount");

        assertUpdate("CREATE TABLE jmx.t (x bigint)");
        assertUpdate("INSERT INTO jmx.t VALUES 1", 1);
        assertUpdate("INSERT INTO jmx.t VALUES 2", 1);
        assertQuery("SELECT x FROM jmx.t", "VALUES 1, 2");
        assertQuery("SELECT x FROM jmx.t", "VALUES 1, 2");

        assertThat((long) server.getAttribute(loader, "SnapshotReads.AllTime.Count")).isGreaterThan(reads);
        assertThat((long) server.getAttribute(committer, "Commits.AllTime.Count")).isEqualTo(commits + 2);
        // the first read of each log misses, the later ones hit
        assertThat((long) server.getAttribute(cache, "MissCount")).isGreaterThan(misses);
        assertThat((long) server.getAttribute(cache, "HitCount")).isGreaterThan(hits);
        assertThat((long) server.getAttribute(cache, "Size")).isPositive();
    }

    private static ObjectName bean(MBeanServer server, String type)
            throws Exception
    {
        Set<ObjectName> names = server.queryNames(null, null);
        List<ObjectName> found = names.stream()
                .filter(name -> name.toString().toLowerCase(ENGLISH).contains(type))
                .toList();
        assertThat(found)
                .describedAs("MBeans of %s among %s", type, names.stream().filter(name -> name.toString().toLowerCase(ENGLISH).contains("icedb")).toList())
                .hasSize(1);
        return found.getFirst();
    }
}
