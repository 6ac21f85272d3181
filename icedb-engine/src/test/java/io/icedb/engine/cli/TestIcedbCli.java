package io.icedb.engine.cli;

import io.icedb.engine.JsonTree;
import io.icedb.engine.history.MaintenanceHistory;
import io.icedb.engine.history.MaintenanceRun;
import io.icedb.engine.io.LocalFileIo;
import io.icedb.engine.spec.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

final class TestIcedbCli
{
    private static final Path WAREHOUSE = fixturesDirectory().resolve("warehouse");

    @Test
    void testInspectPrintsOneJsonObject()
    {
        Result result = run("inspect", WAREHOUSE.toString(), "readme");
        assertThat(result.status()).isZero();
        assertThat(result.err()).isEmpty();
        Map<String, Object> json = JsonTree.object(JsonTree.read(result.out().getBytes(UTF_8)));
        assertThat(json.keySet()).containsExactly("schema", "alive_files", "log_files", "dead_files", "log_tombstones", "maintenance_runs");
        assertThat(json.get("schema")).isEqualTo(Map.of("ts", "BIGINT", "event", "VARCHAR", "user_id", "VARCHAR", "properties", "STRUCT(page_name VARCHAR)"));
        assertThat(JsonTree.object(json.get("schema")).keySet()).containsExactly("ts", "event", "user_id", "properties");
        assertThat(json.get("alive_files")).isEqualTo(List.of(
                Map.of("path", "readme/_data/u=user_a/d=2023-06-07/10c3abb5-6637-428c-9e4e-c987ccfc3c7c.parquet", "bytes", 701L, "created", 1795579471373L),
                Map.of("path", "readme/_data/u=user_b/d=2023-02-11/71d2c21c-d2f0-4b72-82ed-e696fc8be90a.parquet", "bytes", 645L, "created", 1795579471375L)));
        assertThat(json.get("log_files")).isEqualTo(List.of("readme/_log/1795579471416_heldout-py.jsonl"));
        assertThat(json.get("dead_files")).isEqualTo(0L);
        assertThat(json.get("log_tombstones")).isEqualTo(0L);
        assertThat(json.get("maintenance_runs")).isEqualTo(List.of());
    }

    @Test
    void testInspectListsMaintenanceRuns(@TempDir Path root)
            throws Exception
    {
        copyDirectory(WAREHOUSE.resolve("readme"), root.resolve("readme"));
        LocalFileIo fileIo = new LocalFileIo(root);
        Map<String, Long> metrics = new LinkedHashMap<>();
        metrics.put("parts_merged", 2L);
        metrics.put("parts_written", 1L);
        MaintenanceHistory.record(fileIo, "readme", new MaintenanceRun("merge", 10, 20, "node/query/merge", Optional.of("readme/_log/19_m_x.jsonl"), metrics));

        Result result = run("inspect", root.toString(), "readme");

        assertThat(result.status()).isZero();
        assertThat(JsonTree.object(JsonTree.read(result.out().getBytes(UTF_8))).get("maintenance_runs"))
                .isEqualTo(List.of(Map.of("operation", "merge", "started", 10L, "finished", 20L, "metrics", Map.of("parts_merged", 2L, "parts_written", 1L))));
    }

    private static void copyDirectory(Path source, Path target)
            throws IOException
    {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : paths.toList()) {
                Path copy = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(copy);
                }
                else {
                    Files.copy(path, copy);
                }
            }
        }
    }

    @Test
    void testInspectAtTime()
    {
        Result after = run("inspect", WAREHOUSE.toString(), "readme/", "--at", "1795579471417");
        assertThat(after.status()).isZero();
        assertThat(JsonTree.object(JsonTree.read(after.out().getBytes(UTF_8))).get("log_files")).isEqualTo(List.of("readme/_log/1795579471416_heldout-py.jsonl"));

        Result before = run("inspect", WAREHOUSE.toString(), "readme", "--at", "1795579471416");
        assertThat(before.status()).isEqualTo(1);
        assertThat(before.out()).isEmpty();
        assertThat(before.err()).startsWith("icedb: Table 'readme' has no data at 2026-11-25T04:04:31.416Z").hasLineCount(1);
    }

    @Test
    void testErrorsAreOneLineAndExitOne()
    {
        assertError(run("inspect", WAREHOUSE.toString(), "not_a_table"), "Table 'not_a_table' has no log files");
        assertError(run("inspect", WAREHOUSE.resolve("no-such-dir").toString(), "readme"), "is not a directory");
        assertError(run("inspect", WAREHOUSE.toString(), "readme", "--at", "yesterday"), "--at needs a time in epoch milliseconds");
        assertError(run("inspect", WAREHOUSE.toString()), "usage: inspect");
        assertError(run("inspect", WAREHOUSE.toString(), "../escape"), "..");
        assertError(run("frobnicate"), "unknown command 'frobnicate'");
        assertError(run(), "missing command");
    }

    @Test
    void testFilesListsTheLivePartsAsPaths()
    {
        Path readme = WAREHOUSE.resolve("readme/_data");
        Result result = run("files", WAREHOUSE.toString(), "readme");
        assertThat(result.status()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).isEqualTo(
                readme.resolve("u=user_a/d=2023-06-07/10c3abb5-6637-428c-9e4e-c987ccfc3c7c.parquet") + "\n"
                        + readme.resolve("u=user_b/d=2023-02-11/71d2c21c-d2f0-4b72-82ed-e696fc8be90a.parquet") + "\n");

        Result json = run("files", WAREHOUSE.toString(), "readme", "--format", "json");
        assertThat(json.status()).isZero();
        assertThat(JsonTree.read(json.out().getBytes(UTF_8))).isEqualTo(List.of(
                readme.resolve("u=user_a/d=2023-06-07/10c3abb5-6637-428c-9e4e-c987ccfc3c7c.parquet").toString(),
                readme.resolve("u=user_b/d=2023-02-11/71d2c21c-d2f0-4b72-82ed-e696fc8be90a.parquet").toString()));

        Result duckDb = run("files", WAREHOUSE.toString(), "readme", "--format=duckdb");
        assertThat(duckDb.status()).isZero();
        assertThat(duckDb.out()).isEqualTo("""
                SELECT * FROM read_parquet([
                    '%s',
                    '%s'],
                    hive_partitioning = true, union_by_name = true);
                """.formatted(
                readme.resolve("u=user_a/d=2023-06-07/10c3abb5-6637-428c-9e4e-c987ccfc3c7c.parquet"),
                readme.resolve("u=user_b/d=2023-02-11/71d2c21c-d2f0-4b72-82ed-e696fc8be90a.parquet")));
    }

    @Test
    void testFilesAtTimeAndErrors()
    {
        assertError(run("files", WAREHOUSE.toString(), "readme", "--at", "1795579471416"), "has no data at");
        assertError(run("files", WAREHOUSE.toString(), "readme", "--format", "csv"), "--format needs list, json or duckdb, not 'csv'");
        assertError(run("inspect", WAREHOUSE.toString(), "readme", "--format", "json"), "unknown option '--format'");
        assertError(run("files", "s3://bucket", "readme"), "is an S3 bucket: use ./icedb");
        assertThat(run("files", WAREHOUSE.toString(), "readme", "--at", "1795579471417").out()).hasLineCount(2);
    }

    @Test
    void testDuckDbQueryOfAnEmptySnapshotHasTheTableColumns()
    {
        assertThat(LiveParts.duckDbQuery(List.of(), new Schema(orderedColumns("a", "BIGINT", "we\"ird", "STRUCT(x VARCHAR)"))))
                .isEqualTo("SELECT CAST(NULL AS BIGINT) AS \"a\", CAST(NULL AS STRUCT(x VARCHAR)) AS \"we\"\"ird\" WHERE false;");
        assertThat(LiveParts.format(LiveParts.Format.DUCKDB, List.of("/w/it's.parquet"), Schema.EMPTY))
                .isEqualTo("SELECT * FROM read_parquet([\n    '/w/it''s.parquet'],\n    hive_partitioning = true, union_by_name = true);\n");
        assertThat(LiveParts.format(LiveParts.Format.JSON, List.of(), Schema.EMPTY)).isEqualTo("[]\n");
        assertThat(LiveParts.format(LiveParts.Format.JSON, List.of("a\"\\b"), Schema.EMPTY)).isEqualTo("[\n  \"a\\\"\\\\b\"\n]\n");
    }

    private static Map<String, String> orderedColumns(String... namesAndTypes)
    {
        Map<String, String> columns = new LinkedHashMap<>();
        for (int i = 0; i < namesAndTypes.length; i += 2) {
            columns.put(namesAndTypes[i], namesAndTypes[i + 1]);
        }
        return columns;
    }

    private static void assertError(Result result, String message)
    {
        assertThat(result.status()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).startsWith("icedb: ").contains(message).hasLineCount(1);
    }

    private static Result run(String... args)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = IcedbCli.run(args, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
        return new Result(status, out.toString(UTF_8), err.toString(UTF_8));
    }

    private record Result(int status, String out, String err) {}

    private static Path fixturesDirectory()
    {
        String property = System.getProperty("icedb.fixtures.dir");
        Path directory = property == null ? Path.of("../../shared/fixtures/python-icedb") : Path.of(property);
        return directory.toAbsolutePath().normalize();
    }
}
