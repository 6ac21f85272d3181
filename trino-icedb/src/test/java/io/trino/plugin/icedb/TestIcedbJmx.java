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
import java.util.Map;
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
    private static final String CATALOG = "icedb_jmx";

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        Path root = Files.createTempDirectory("icedb-jmx");
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setLocalWarehouse(root)
                .registerResource(() -> deleteRecursively(root, ALLOW_INSECURE))
                .build();
        // beans are named by catalog in the JVM-wide MBean server, where other tests' "icedb" catalogs register
        // theirs too (the first registration of a name wins): this test's catalog has a name of its own
        queryRunner.createCatalog(CATALOG, "icedb", Map.of(
                "icedb.warehouse", "local:///",
                "fs.native-local.enabled", "true",
                "local.location", root.toAbsolutePath().toString(),
                "icedb.log-cache.max-size", "16MB"));
        queryRunner.execute("CREATE SCHEMA %s.jmx".formatted(CATALOG));
        return queryRunner;
    }

    @Test
    public void testBeans()
            throws Exception
    {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        assertThat(beans(server, "icedblogcache")).anySatisfy(cache -> assertThat(count(server, cache, "MaxSizeInBytes")).isEqualTo(16L * 1024 * 1024));

        long reads = sum(server, "icedbsnapshotloader", "SnapshotReads.AllTime.Count");
        long commits = sum(server, "icedbtablecommits", "Commits.AllTime.Count");
        long misses = sum(server, "icedblogcache", "MissCount");
        long hits = sum(server, "icedblogcache", "HitCount");

        assertUpdate("CREATE TABLE %s.jmx.t (x bigint)".formatted(CATALOG));
        assertUpdate("INSERT INTO %s.jmx.t VALUES 1".formatted(CATALOG), 1);
        assertUpdate("INSERT INTO %s.jmx.t VALUES 2".formatted(CATALOG), 1);
        assertQuery("SELECT x FROM %s.jmx.t".formatted(CATALOG), "VALUES 1, 2");
        assertQuery("SELECT x FROM %s.jmx.t".formatted(CATALOG), "VALUES 1, 2");

        assertThat(sum(server, "icedbsnapshotloader", "SnapshotReads.AllTime.Count")).isGreaterThan(reads);
        assertThat(sum(server, "icedbtablecommits", "Commits.AllTime.Count")).isEqualTo(commits + 2);
        // the first read of each log misses, the later ones hit
        assertThat(sum(server, "icedblogcache", "MissCount")).isGreaterThan(misses);
        assertThat(sum(server, "icedblogcache", "HitCount")).isGreaterThan(hits);
        assertThat(sum(server, "icedblogcache", "Size")).isPositive();
    }

    private static long count(MBeanServer server, ObjectName name, String attribute)
    {
        try {
            return ((Number) server.getAttribute(name, attribute)).longValue();
        }
        catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static long sum(MBeanServer server, String type, String attribute)
    {
        return beans(server, type).stream().mapToLong(name -> count(server, name, attribute)).sum();
    }

    private static List<ObjectName> beans(MBeanServer server, String type)
    {
        Set<ObjectName> names = server.queryNames(null, null);
        List<ObjectName> found = names.stream()
                .filter(name -> name.toString().toLowerCase(ENGLISH).contains("type=" + type) && CATALOG.equals(name.getKeyProperty("name")))
                .toList();
        assertThat(found)
                .describedAs("MBeans of %s among %s", type, names.stream().filter(name -> name.toString().toLowerCase(ENGLISH).contains("icedb")).toList())
                .isNotEmpty();
        return found;
    }
}
