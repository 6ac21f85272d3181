package io.icedb.launcher;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.parallel.ExecutionMode.SAME_THREAD;

/**
 * The {@code ./icedb} launcher as a user runs it: {@code sql} and {@code server} start the stock trino-server-476
 * (cached under ~/.cache/trino-icedb, downloaded on first use) with the plugin this build packaged
 * ({@code ICEDB_NO_BUILD=1}: the reactor has just built it). Each test gets its own TMPDIR, which must be empty
 * afterwards. The tests boot real servers one after another (the class runs its tests in one thread).
 */
// each test starts real Trino processes: one at a time, or they starve each other of the machine's cores
// heavy: starts the real trino-server-476 several times
@Tag("heavy")
@Execution(SAME_THREAD)
final class TestIcedbLauncher
{
    private static final Path ICEDB = LauncherTesting.repository().resolve("icedb");

    @Test
    void testHelpAnswersWithoutJavaBuildOrTrino(@TempDir Path directory)
            throws Exception
    {
        // a JAVA_HOME whose java and javac record every call: the help must not look for a JDK, build or start anything
        Path fakeJdk = directory.resolve("fake-jdk");
        Path calls = directory.resolve("java-calls");
        Files.createDirectories(fakeJdk.resolve("bin"));
        for (String tool : List.of("java", "javac")) {
            Path script = fakeJdk.resolve("bin").resolve(tool);
            Files.writeString(script, "#!/bin/sh\necho \"$0 $*\" >> '" + calls + "'\nexit 1\n");
            script.toFile().setExecutable(true);
        }
        Path cache = directory.resolve("cache");
        Path tmp = Files.createDirectories(directory.resolve("tmp"));
        Map<String, String> environment = Map.of(
                "JAVA_HOME", fakeJdk.toString(),
                "PATH", fakeJdk.resolve("bin") + ":/usr/bin:/bin",
                "ICEDB_CACHE_DIR", cache.toString(),
                "TMPDIR", tmp.toString());
        for (String command : List.of("sql", "server")) {
            for (String help : List.of("--help", "-h")) {
                Run run = run(directory, environment, command, "--workers", "2", help);
                assertThat(run.status()).as(run.toString()).isZero();
                assertThat(run.out())
                        .startsWith("usage: ./icedb sql [options] [trino-cli options]")
                        .contains("--warehouse <dir|s3://bucket[/path]>", "--workers <n>", "--catalog-property <key=value>", "--port <n>",
                                "--s3-endpoint <url>", "AWS_SECRET_ACCESS_KEY");
            }
        }
        Run usage = run(directory, environment, "--help");
        assertThat(usage.status()).isZero();
        assertThat(usage.out()).contains("./icedb files <root> <prefix>");
        assertThat(calls).doesNotExist();
        assertThat(cache).doesNotExist();
        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void testBadArgumentsAndAWarehouseThatCannotBeCreatedFailAtOnceInOneLine(@TempDir Path directory)
            throws Exception
    {
        Path tmp = Files.createDirectories(directory.resolve("tmp"));
        Path file = Files.writeString(directory.resolve("a-file"), "not a directory");
        Run warehouse = run(directory, Map.of("TMPDIR", tmp.toString()), "sql", "--warehouse", file.resolve("warehouse").toString(), "-e", "SELECT 1");
        assertThat(warehouse.status()).isEqualTo(1);
        assertThat(warehouse.err()).isEqualTo("icedb: cannot create the warehouse directory %s: Not a directory\n".formatted(file.resolve("warehouse")));

        Run secret = run(directory, Map.of("TMPDIR", tmp.toString()), "server", "--s3-secret-key", "visible-to-ps");
        assertThat(secret.status()).isEqualTo(2);
        assertThat(secret.err()).contains("never taken from the command line").contains("AWS_SECRET_ACCESS_KEY").doesNotContain("visible-to-ps");

        Run secretProperty = run(directory, Map.of("TMPDIR", tmp.toString()), "server", "--catalog-property", "s3.aws-secret-key=visible-to-ps");
        assertThat(secretProperty.status()).isEqualTo(2);
        assertThat(secretProperty.err()).contains("secrets never go on the command line").contains("${ENV:VARIABLE}");

        Run workers = run(directory, Map.of("TMPDIR", tmp.toString()), "sql", "--workers", "many");
        assertThat(workers.status()).isEqualTo(2);
        assertThat(workers.err()).isEqualTo("icedb: --workers takes a number from 0 to 16, not 'many'\n");

        Run unknown = run(directory, Map.of("TMPDIR", tmp.toString()), "server", "--execute", "SELECT 1");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("icedb: unknown server option: --execute");
        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void testFailedStartShowsTheCause(@TempDir Path directory)
            throws Exception
    {
        Path tmp = Files.createDirectories(directory.resolve("tmp"));
        Run run = run(directory, Map.of("TMPDIR", tmp.toString()), "sql", "--warehouse", directory.resolve("warehouse").toString(),
                "--catalog-property", "icedb.no-such-property=1", "-e", "SELECT 1");
        assertThat(run.status()).as(run.toString()).isEqualTo(1);
        assertThat(run.err())
                .contains("icedb: Trino (coordinator) failed to start; from its log:")
                .contains("Configuration property 'icedb.no-such-property' was not used")
                .doesNotContainPattern("\\n\\s+at ");
        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void testSqlExitStatusIsTheCliAndNothingIsLeftBehind(@TempDir Path directory)
            throws Exception
    {
        Path tmp = Files.createDirectories(directory.resolve("tmp"));
        // the embedded default: ./icedb-warehouse in the working directory, with the demo schema, opened in it
        // and the README's time-travel examples run as written on its demo table
        String timeTravel = readmeSqlBlock("### Time travel");
        Run success = run(directory, Map.of("TMPDIR", tmp.toString()), "sql", "--output-format", "TSV",
                "-e", "SELECT count(*) FROM events; SELECT node_version FROM system.runtime.nodes;\n" + timeTravel);
        assertThat(success.status()).as(success.toString()).isZero();
        assertThat(success.out()).isEqualTo("""
                4
                476
                demo/events/_log/1686176880000_icedb-demo.jsonl\t2023-06-07 22:28:00.000 UTC\tfalse
                demo/events/_log/1686176940000_icedb-demo.jsonl\t2023-06-07 22:29:00.000 UTC\tfalse
                demo/events/_log/1686177000000_icedb-demo.jsonl\t2023-06-07 22:30:00.000 UTC\tfalse
                3
                4
                3
                0
                """);
        assertThat(directory.resolve("icedb-warehouse/demo/events/_log")).isDirectory();
        assertThat(tmp).isEmptyDirectory();

        Run failure = run(directory, Map.of("TMPDIR", tmp.toString()), "sql", "-e", "SELECT count(*) FROM demo.no_such_table");
        assertThat(failure.status()).as(failure.toString()).isNotZero();
        assertThat(failure.err()).contains("Table 'icedb.demo.no_such_table' does not exist");
        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void testServerWithWorkersKeepsTheSecretOffEveryCommandLine(@TempDir Path directory)
            throws Exception
    {
        Path tmp = Files.createDirectories(directory.resolve("tmp"));
        String secret = "secret-" + UUID.randomUUID();
        Map<String, String> environment = Map.of("TMPDIR", tmp.toString(), "AWS_SECRET_ACCESS_KEY", secret);
        ProcessBuilder builder = command(directory, environment, "server", "--workers", "2", "--warehouse", "s3://bucket/warehouse",
                "--s3-endpoint", "http://127.0.0.1:9", "--s3-access-key", "launcher-test", "--catalog-property", "icedb.max-split-size=17MB", "--port", "0");
        builder.redirectErrorStream(true);
        Process server = builder.start();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(server.getInputStream(), UTF_8))) {
            String url = null;
            StringBuilder seen = new StringBuilder();
            for (String line = output.readLine(); line != null && url == null; line = line == null ? null : output.readLine()) {
                seen.append(line).append('\n');
                Matcher matcher = Pattern.compile("is running at (http://127\\.0\\.0\\.1:\\d+)").matcher(line);
                if (matcher.find()) {
                    url = matcher.group(1);
                }
            }
            assertThat(url).as(seen.toString()).isNotNull();

            // no process shows the secret in its arguments, and the catalog file only names the variable
            assertThat(commandLinesContaining(secret)).isEmpty();
            List<Path> workDirectories;
            try (Stream<Path> list = Files.list(tmp)) {
                workDirectories = list.toList();
            }
            assertThat(workDirectories).hasSize(1);
            Path catalog = workDirectories.getFirst().resolve("catalog/icedb.properties");
            assertThat(Files.getPosixFilePermissions(catalog)).isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            assertThat(Files.readString(catalog))
                    .contains("s3.aws-secret-key=${ENV:AWS_SECRET_ACCESS_KEY}", "s3.aws-access-key=launcher-test", "icedb.max-split-size=17MB")
                    .doesNotContain(secret);

            Run nodes = cli(directory, url, "SELECT count(*), count_if(coordinator), min(node_version), max(node_version) FROM system.runtime.nodes WHERE state = 'active'");
            assertThat(nodes.out()).isEqualTo("3\t1\t476\t476\n");
            // --catalog-property reached the catalog: the session property's default is the catalog's value
            Run session = cli(directory, url, "SHOW SESSION LIKE 'icedb.max_split_size'");
            assertThat(session.out()).startsWith("icedb.max_split_size\t17MB\t");
        }
        finally {
            server.destroy();
            assertThat(server.waitFor(5, TimeUnit.MINUTES)).isTrue();
        }
        assertThat(tmp).isEmptyDirectory();
        assertThat(commandLinesContaining(tmp.toString())).isEmpty();
    }

    @Test
    void testDuckDbReadsTheLivePartsOfAMergedTable(@TempDir Path directory)
            throws Exception
    {
        Path tmp = Files.createDirectories(directory.resolve("tmp"));
        Path warehouse = directory.resolve("warehouse");
        Path script = Files.writeString(directory.resolve("merge.sql"), """
                CREATE SCHEMA icedb.shop;
                CREATE TABLE icedb.shop.orders WITH (partitioning = ARRAY['orderstatus'])
                    AS SELECT orderkey, custkey, orderstatus, totalprice FROM tpch.tiny.orders WHERE orderkey < 20000;
                INSERT INTO icedb.shop.orders SELECT orderkey, custkey, orderstatus, totalprice FROM tpch.tiny.orders WHERE orderkey >= 20000 AND orderkey < 40000;
                INSERT INTO icedb.shop.orders SELECT orderkey, custkey, orderstatus, totalprice FROM tpch.tiny.orders WHERE orderkey >= 40000;
                CALL icedb.system.merge('shop', 'orders');
                SELECT count(*) FROM icedb.shop.orders;
                """);
        Run sql = run(directory, Map.of("TMPDIR", tmp.toString()), "sql", "--warehouse", warehouse.toString(), "--output-format", "TSV", "-f", script.toString());
        assertThat(sql.status()).as(sql.toString()).isZero();
        assertThat(sql.out()).endsWith("15000\n");
        assertThat(tmp).isEmptyDirectory();

        Run files = run(directory, Map.of("TMPDIR", tmp.toString()), "files", warehouse.toString(), "shop/orders", "--format", "duckdb");
        assertThat(files.status()).as(files.toString()).isZero();
        String query = files.out().strip();
        assertThat(query).startsWith("SELECT * FROM read_parquet([").endsWith(";");
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement()) {
            assertThat(count(statement, "SELECT count(*) FROM (" + query.substring(0, query.length() - 1) + ")")).isEqualTo(15000);
            assertThat(count(statement, "SELECT count(DISTINCT orderkey) FROM (" + query.substring(0, query.length() - 1) + ")")).isEqualTo(15000);
            // what the README warns about: a glob also reads the parts the merge replaced (until cleanup), so merged rows twice
            assertThat(count(statement, "SELECT count(*) FROM read_parquet('%s/shop/orders/_data/**/*.parquet')".formatted(warehouse))).isGreaterThan(15000);
        }
    }

    /**
     * The first {@code sql} code block after the heading {@code heading} in the README.
     */
    private static String readmeSqlBlock(String heading)
            throws IOException
    {
        String readme = Files.readString(LauncherTesting.repository().resolve("README.md"));
        int section = readme.indexOf("\n" + heading + "\n");
        assertThat(section).as("README section " + heading).isPositive();
        int start = readme.indexOf("```sql\n", section) + "```sql\n".length();
        return readme.substring(start, readme.indexOf("```", start));
    }

    private static long count(Statement statement, String sql)
            throws Exception
    {
        try (ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).isTrue();
            return rows.getLong(1);
        }
    }

    private static Run cli(Path directory, String url, String sql)
            throws Exception
    {
        Path cli = Path.of(System.getenv().getOrDefault("ICEDB_CACHE_DIR", System.getProperty("user.home") + "/.cache/trino-icedb"))
                .resolve("trino-cli-476-executable.jar");
        ProcessBuilder builder = new ProcessBuilder(javaHome().resolve("bin/java").toString(), "-jar", cli.toString(), "--server", url,
                "--output-format", "TSV", "--execute", sql);
        Run run = execute(builder, directory);
        assertThat(run.status()).as(run.toString()).isZero();
        return run;
    }

    private static List<String> commandLinesContaining(String text)
            throws IOException
    {
        List<String> found = new ArrayList<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(path -> path.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String commandLine = new String(Files.readAllBytes(process.resolve("cmdline")), UTF_8).replace('\0', ' ');
                    if (commandLine.contains(text)) {
                        found.add(process.getFileName() + ": " + commandLine);
                    }
                }
                catch (IOException _) {
                    // the process ended meanwhile
                }
            }
        }
        return found;
    }

    private static Run run(Path directory, Map<String, String> environment, String... args)
            throws Exception
    {
        return execute(command(directory, environment, args), directory);
    }

    private static ProcessBuilder command(Path directory, Map<String, String> environment, String... args)
    {
        List<String> command = new ArrayList<>();
        command.add(ICEDB.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
        Map<String, String> processEnvironment = builder.environment();
        processEnvironment.keySet().removeIf(name -> name.startsWith("AWS_"));
        processEnvironment.put("JAVA_HOME", javaHome().toString());
        processEnvironment.put("ICEDB_NO_BUILD", "1");
        processEnvironment.putAll(environment);
        return builder;
    }

    private static Run execute(ProcessBuilder builder, Path directory)
            throws Exception
    {
        Path out = Files.createTempFile(directory, "out", ".txt");
        Path err = Files.createTempFile(directory, "err", ".txt");
        Process process = builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        // a guard against a hung launcher, not a timing assertion
        if (!process.waitFor(20, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        return new Run(process.waitFor(), Files.readString(out), Files.readString(err));
    }

    private static Path javaHome()
    {
        return Path.of(System.getProperty("java.home"));
    }

    private record Run(int status, String out, String err)
    {
        @Override
        public String toString()
        {
            return "exit %s\n--- stdout\n%s--- stderr\n%s".formatted(status, out, err);
        }
    }
}
