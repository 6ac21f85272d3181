package io.trino.plugin.icedb;

import io.trino.Session;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.MaterializedResult;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every {@code sql} block of the README, statement by statement and in order, as written, on the warehouse
 * {@code ./icedb sql} gives a newcomer ({@code local:///}: the demo schema, plus the table of Python IceDB's README
 * example at prefix {@code readme}). A statement followed by a comment {@code -- fails: message} must fail with that
 * message; one followed by {@code -- N} (a number) must return that single value.
 */
public class TestIcedbReadmeExamples
        extends AbstractTestQueryFramework
{
    private static final Pattern TERMINATED = Pattern.compile("^(.*);\\s*(?:--\\s*(.*))?$");
    private static final Pattern NUMBER = Pattern.compile("^(\\d+)\\b.*");
    private static final Pattern SET_SESSION = Pattern.compile("(?i)SET SESSION ([a-z_]+\\.[a-z_]+)\\s*=\\s*(\\S+)");
    private static final Pattern RESET_SESSION = Pattern.compile("(?i)RESET SESSION ([a-z_]+\\.[a-z_]+)");

    private Path warehouse;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        warehouse = Files.createTempDirectory("icedb-readme");
        copyDirectory(Path.of("..", "icedb-launcher", "src", "main", "demo", "warehouse"), warehouse);
        copyDirectory(IcedbFixtures.bucketDirectory(IcedbFixtures.BUCKET).resolve("readme"), warehouse.resolve("readme"));
        return IcedbQueryRunner.builder()
                .setLocalWarehouse(warehouse)
                .setWorkerCount(1)
                .build();
    }

    @AfterAll
    public void removeWarehouse()
            throws IOException
    {
        if (warehouse != null) {
            deleteRecursively(warehouse, ALLOW_INSECURE);
        }
    }

    @Test
    public void testEverySqlBlockRunsAsWritten()
            throws IOException
    {
        List<Statement> statements = statements(Files.readString(Path.of("..", "README.md")));
        assertThat(statements).hasSizeGreaterThan(40);
        // SET SESSION / RESET SESSION of catalog properties apply to the statements that follow, as in the CLI
        Map<String, String> catalogProperties = new LinkedHashMap<>();
        Session session = getSession();
        for (Statement statement : statements) {
            Matcher setSession = SET_SESSION.matcher(statement.sql());
            Matcher resetSession = RESET_SESSION.matcher(statement.sql());
            if (setSession.matches() || resetSession.matches()) {
                if (setSession.matches()) {
                    catalogProperties.put(setSession.group(1), setSession.group(2).replace("'", ""));
                }
                else {
                    catalogProperties.remove(resetSession.group(1));
                }
                Session.SessionBuilder builder = Session.builder(getSession());
                catalogProperties.forEach((name, value) -> builder.setCatalogSessionProperty(name.substring(0, name.indexOf('.')), name.substring(name.indexOf('.') + 1), value));
                session = builder.build();
                continue;
            }
            if (statement.expectedFailure().isPresent()) {
                assertQueryFails(session, statement.sql(), Pattern.quote(statement.expectedFailure().get()) + ".*");
                continue;
            }
            MaterializedResult result;
            try {
                result = computeActual(session, statement.sql());
            }
            catch (RuntimeException e) {
                throw new AssertionError("README statement failed: " + statement.sql(), e);
            }
            if (statement.expectedValue().isPresent()) {
                assertThat(((Number) result.getOnlyValue()).longValue())
                        .as("README statement %s", statement.sql())
                        .isEqualTo(statement.expectedValue().get());
            }
        }
    }

    private record Statement(String sql, Optional<String> expectedFailure, Optional<Long> expectedValue) {}

    private static List<Statement> statements(String readme)
    {
        List<Statement> statements = new ArrayList<>();
        boolean inBlock = false;
        StringBuilder current = new StringBuilder();
        for (String line : readme.split("\n")) {
            if (line.equals("```sql")) {
                inBlock = true;
                continue;
            }
            if (inBlock && line.startsWith("```")) {
                if (!current.toString().isBlank()) {
                    fail("Unterminated README statement: " + current);
                }
                inBlock = false;
                continue;
            }
            if (!inBlock) {
                continue;
            }
            String stripped = line.strip();
            if (stripped.startsWith("--")) {
                String comment = stripped.substring(2).strip();
                if (comment.startsWith("fails:") && current.isEmpty() && !statements.isEmpty()) {
                    Statement previous = statements.removeLast();
                    statements.add(new Statement(previous.sql(), Optional.of(comment.substring("fails:".length()).strip()), Optional.empty()));
                }
                continue;
            }
            Matcher terminated = TERMINATED.matcher(line);
            if (terminated.matches()) {
                current.append(terminated.group(1));
                Optional<Long> value = Optional.ofNullable(terminated.group(2))
                        .map(NUMBER::matcher)
                        .filter(Matcher::matches)
                        .map(matcher -> Long.parseLong(matcher.group(1)));
                statements.add(new Statement(current.toString().strip(), Optional.empty(), value));
                current.setLength(0);
                continue;
            }
            current.append(withoutComment(line)).append('\n');
        }
        return statements;
    }

    private static String withoutComment(String line)
    {
        int comment = line.indexOf("--");
        if (comment < 0 || line.substring(0, comment).chars().filter(c -> c == '\'').count() % 2 != 0) {
            return line;
        }
        return line.substring(0, comment);
    }

    private static void copyDirectory(Path source, Path target)
            throws IOException
    {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path destination = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(destination);
                }
                else {
                    Files.copy(file, destination);
                }
            }
        }
    }
}
