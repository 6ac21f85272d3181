package io.trino.plugin.icedb.mv;

import io.trino.Session;
import io.trino.plugin.icedb.IcedbQueryRunner;
import io.trino.testing.DistributedQueryRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;

/**
 * Not a test: prints how long {@code REFRESH MATERIALIZED VIEW} of a {@code count(*) ... GROUP BY} view takes after 1% is
 * appended to its source, incremental against full ({@code incremental_refresh_enabled = false}), on a two-node
 * cluster over a local warehouse. Run it with {@code benchmarks/mv-refresh [rows] [rounds]} (default 10000000 rows, 3
 * rounds); it prints each round and the medians.
 */
public final class MaterializedViewRefreshBenchmark
{
    private MaterializedViewRefreshBenchmark() {}

    public static void main(String[] args)
            throws Exception
    {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long appended = rows / 100;
        Path root = Files.createTempDirectory("icedb-mv-benchmark");
        try (DistributedQueryRunner queryRunner = IcedbQueryRunner.builder().setLocalWarehouse(root).build()) {
            Session session = queryRunner.getDefaultSession();
            Session fullRefresh = Session.builder(session).setCatalogSessionProperty("icedb", "incremental_refresh_enabled", "false").build();
            queryRunner.execute("CREATE SCHEMA icedb.bench");
            long started = System.nanoTime();
            queryRunner.execute(format("CREATE TABLE icedb.bench.events AS %s", rowsQuery(0, rows)));
            System.out.printf("source: %,d rows written in %.1f s%n", rows, seconds(started));
            String view = "SELECT user_id, count(*) AS events FROM icedb.bench.events GROUP BY user_id";
            queryRunner.execute("CREATE MATERIALIZED VIEW icedb.bench.incremental AS " + view);
            queryRunner.execute("CREATE MATERIALIZED VIEW icedb.bench.recomputed AS " + view);
            queryRunner.execute("REFRESH MATERIALIZED VIEW icedb.bench.incremental");
            queryRunner.execute("REFRESH MATERIALIZED VIEW icedb.bench.recomputed");

            List<Double> incremental = new ArrayList<>();
            List<Double> full = new ArrayList<>();
            long total = rows;
            for (int round = 0; round < rounds; round++) {
                queryRunner.execute(format("INSERT INTO icedb.bench.events %s", rowsQuery(total, appended)));
                total += appended;
                started = System.nanoTime();
                queryRunner.execute(session, "REFRESH MATERIALIZED VIEW icedb.bench.incremental");
                incremental.add(seconds(started));
                started = System.nanoTime();
                queryRunner.execute(fullRefresh, "REFRESH MATERIALIZED VIEW icedb.bench.recomputed");
                full.add(seconds(started));
                System.out.printf("round %s: appended %,d rows (source %,d): incremental refresh %.2f s, full refresh %.2f s%n", round + 1, appended, total, incremental.getLast(), full.getLast());
                check(queryRunner, "icedb.bench.incremental", view);
                check(queryRunner, "icedb.bench.recomputed", view);
            }
            double incrementalMedian = median(incremental);
            double fullMedian = median(full);
            System.out.printf("median: incremental %.2f s, full %.2f s, full / incremental = %.1f (%s cores, %,d source rows, %,d appended per round)%n",
                    incrementalMedian, fullMedian, fullMedian / incrementalMedian, Runtime.getRuntime().availableProcessors(), rows, appended);
        }
        finally {
            deleteRecursively(root, ALLOW_INSECURE);
        }
    }

    private static String rowsQuery(long offset, long count)
    {
        // rows offset + 1 .. offset + count, 1000 users
        long thousands = (count + 999) / 1000;
        return format("SELECT 'user_' || CAST(n %% 1000 AS varchar) AS user_id, n AS id FROM (SELECT %s + a * 1000 + b AS n FROM UNNEST(sequence(0, %s)) AS x(a) CROSS JOIN UNNEST(sequence(1, 1000)) AS y(b)) WHERE n <= %s",
                offset, thousands - 1, offset + count);
    }

    private static void check(DistributedQueryRunner queryRunner, String view, String query)
    {
        long differences = (long) queryRunner.execute(format("SELECT count(*) FROM ((SELECT * FROM %s EXCEPT %s) UNION ALL (%s EXCEPT SELECT * FROM %s))", view, query, query, view)).getOnlyValue();
        if (differences != 0) {
            throw new IllegalStateException(format("%s differs from its query in %s rows", view, differences));
        }
    }

    private static double seconds(long startedNanos)
    {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private static double median(List<Double> values)
    {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static String format(String format, Object... args)
    {
        return String.format(format, args);
    }
}
