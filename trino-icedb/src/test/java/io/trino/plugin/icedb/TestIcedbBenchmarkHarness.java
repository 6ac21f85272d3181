package io.trino.plugin.icedb;

import io.trino.sql.parser.SqlParser;
import io.trino.sql.tree.Query;
import io.trino.sql.tree.Statement;
import org.junit.jupiter.api.Test;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fast check of benchmarks/ (issue 13) without starting a server: the 22 TPC-H texts are Trino SQL over the standard
 * column names, Bench.java compiles on its own (the JDK only: its drivers come at run time), and benchmarks/run checks
 * its arguments. The harness itself is exercised by {@code benchmarks/run --quick}.
 */
public class TestIcedbBenchmarkHarness
{
    private static final Path BENCHMARKS = Path.of("..", "benchmarks");

    @Test
    public void testTpchQueriesAreTrinoSql()
            throws IOException
    {
        SqlParser parser = new SqlParser();
        for (int i = 1; i <= 22; i++) {
            Path file = BENCHMARKS.resolve("tpch/q%02d.sql".formatted(i));
            String sql = Files.readString(file);
            Statement statement = parser.createStatement(sql);
            assertThat(statement).as(file.toString()).isInstanceOf(Query.class);
            assertThat(sql).as(file.toString()).doesNotContain(";");
        }
        assertThat(Files.readString(BENCHMARKS.resolve("tpch/q01.sql"))).contains("FROM\n  lineitem\n");
        assertThat(Files.list(BENCHMARKS.resolve("tpch")).count()).isEqualTo(22);
    }

    @Test
    public void testBenchCompiles()
            throws IOException
    {
        Path output = Files.createTempDirectory("bench-classes");
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = compiler.run(null, null, errors, "-d", output.toString(), BENCHMARKS.resolve("Bench.java").toString());
        assertThat(status).as(errors.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(output.resolve("Bench.class")).exists();
    }

    @Test
    public void testRunChecksItsArguments()
            throws Exception
    {
        Result quick = run("--quick", "--dry-run");
        assertThat(quick.status).isZero();
        assertThat(quick.output).contains("scale tiny, 2 runs, 20 inserts");
        Result chosen = run("--scale", "sf1", "--runs", "7", "--queries", "q01,q07", "--cases", "tpch,ctas", "--dry-run");
        assertThat(chosen.status).isZero();
        assertThat(chosen.output).contains("scale sf1, 7 runs").contains("cases: tpch,ctas;").contains("queries: q01,q07;");

        assertThat(run("--scale", "huge", "--dry-run")).satisfies(result -> {
            assertThat(result.status).isEqualTo(2);
            assertThat(result.output).contains("--scale must be tiny or sfN");
        });
        assertThat(run("--runs", "0", "--dry-run").status).isEqualTo(2);
        assertThat(run("--queries", "q23", "--dry-run").output).contains("no such query: q23");
        assertThat(run("--cases", "tpch,everything", "--dry-run").output).contains("unknown case 'everything'");
        assertThat(run("--runs").output).contains("missing value for --runs");
        assertThat(run("--help").output).contains("benchmarks/run [--scale sf1]");
    }

    private record Result(int status, String output) {}

    private static Result run(String... arguments)
            throws Exception
    {
        List<String> command = new ArrayList<>(List.of("bash", BENCHMARKS.resolve("run").toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return new Result(process.exitValue(), output);
    }
}
