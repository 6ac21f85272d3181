package io.icedb.engine.spec;

import io.icedb.engine.exceptions.InvalidLogException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class TestLogFileParser
{
    private static final String KEY = "tbl/_log/1700000000000_test.jsonl";

    static Path fixturesDirectory()
    {
        String property = System.getProperty("icedb.fixtures.dir");
        Path directory = property == null ? Path.of("../../shared/fixtures/python-icedb") : Path.of(property);
        assertThat(directory).isDirectory();
        return directory;
    }

    static List<Path> fixtureLogs()
    {
        try (Stream<Path> files = Files.walk(fixturesDirectory())) {
            List<Path> logs = files
                    .filter(path -> path.getFileName().toString().endsWith(".jsonl"))
                    .filter(path -> path.getParent().getFileName().toString().equals("_log"))
                    .sorted()
                    .toList();
            assertThat(logs).hasSizeGreaterThan(40);
            return logs;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void testFixturesCoverBothWarehouses()
    {
        assertThat(fixtureLogs())
                .anyMatch(path -> path.toString().contains("/warehouse/"))
                .anyMatch(path -> path.toString().contains("/warehouse-snap-pre-cleanup/"));
    }

    @ParameterizedTest
    @MethodSource("fixtureLogs")
    void testFixtureRoundTripsByteForByte(Path log)
            throws IOException
    {
        byte[] content = Files.readAllBytes(log);
        LogFile parsed = LogFileParser.parse(log.toString(), content);
        assertThat(new String(LogFileParser.write(parsed), UTF_8)).isEqualTo(new String(content, UTF_8));
        assertThat(LogFileParser.write(parsed)).isEqualTo(content);
        assertThat(LogFileParser.parse(log.toString(), LogFileParser.write(parsed))).isEqualTo(parsed);
    }

    @Test
    void testFixtureWithDuplicateLogTombstones()
            throws IOException
    {
        Path log = fixturesDirectory().resolve("warehouse/custom_merge/_log/1795579479319_m_heldout-py.jsonl");
        LogFile parsed = LogFileParser.parse(log.toString(), Files.readAllBytes(log));

        assertThat(parsed.createdMillis()).isEqualTo(1795579479319L);
        assertThat(parsed.schema().columns()).containsExactly(
                Map.entry("ts", "BIGINT"),
                Map.entry("event", "VARCHAR"),
                Map.entry("cnt", "BIGINT"),
                Map.entry("user_id", "VARCHAR"),
                Map.entry("properties", "VARCHAR"));
        assertThat(parsed.logTombstones()).containsExactly(
                new LogTombstone("custom_merge/_log/1795579479089_heldout-py.jsonl", 1795579479252L),
                new LogTombstone("custom_merge/_log/1795579479150_heldout-py.jsonl", 1795579479252L),
                new LogTombstone("custom_merge/_log/1795579479198_heldout-py.jsonl", 1795579479252L),
                new LogTombstone("custom_merge/_log/1795579479252_m_heldout-py.jsonl", 1795579479319L),
                new LogTombstone("custom_merge/_log/1795579479252_m_heldout-py.jsonl", 1795579479319L));
        assertThat(parsed.fileMarkers()).hasSize(7);
        assertThat(parsed.fileMarkers().getFirst()).isEqualTo(new FileMarker(
                "custom_merge/_data/u=user_b/d=2023-02-11/57f9db10-ea67-4fd6-8a9f-c0514172244e.parquet",
                832,
                1795579479086L,
                OptionalLong.of(1795579479319L)));
        assertThat(parsed.fileMarkers().getLast()).isEqualTo(FileMarker.alive(
                "custom_merge/_data/u=user_b/d=2023-02-11/fa7fa7c7-4a48-42a7-b1c1-373644a1dcc5.parquet",
                621,
                1795579479319L));
    }

    @Test
    void testWriteEscapesLikePythonJsonDumps()
    {
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("caf\u00e9 \u65e5\u672c \uD83D\uDE00", "STRUCT(\"a\"\"b\" VARCHAR)");
        columns.put("back\\slash/\t\n\r\b\f\u0000\u001f\u007f", "VARCHAR");
        LogFile logFile = new LogFile(
                1700000000000L,
                new Schema(columns),
                List.of(new LogTombstone("t/_log/1_h\u00e9.jsonl", 5)),
                List.of(new FileMarker("t/_data/k=\u65e5\u672c/\uD83D\uDE00\"q\".parquet", 10, 4, OptionalLong.of(6))));

        // expected lines printed by python3: json.dumps of the same dicts
        String expected = String.join("\n",
                "{\"v\": 1, \"sch\": 1, \"f\": 3, \"t\": 1700000000000, \"tmb\": 2}",
                "{\"caf\\u00e9 \\u65e5\\u672c \\ud83d\\ude00\": \"STRUCT(\\\"a\\\"\\\"b\\\" VARCHAR)\", \"back\\\\slash/\\t\\n\\r\\b\\f\\u0000\\u001f\\u007f\": \"VARCHAR\"}",
                "{\"p\": \"t/_log/1_h\\u00e9.jsonl\", \"t\": 5}",
                "{\"p\": \"t/_data/k=\\u65e5\\u672c/\\ud83d\\ude00\\\"q\\\".parquet\", \"b\": 10, \"t\": 4, \"tmb\": 6}");
        byte[] written = LogFileParser.write(logFile);
        assertThat(new String(written, UTF_8)).isEqualTo(expected);
        assertThat(LogFileParser.parse(KEY, written)).isEqualTo(logFile);
    }

    @Test
    void testWriteEscapesOtherNonAsciiAndLoneSurrogates()
    {
        LogFile logFile = new LogFile(7, new Schema(Map.of("a\u2028\u0080\uffff\ud800", "x")), List.of(), List.of());
        // python3: json.dumps({"a\u2028\u0080\uffff\ud800": "x"})
        assertThat(new String(LogFileParser.write(logFile), UTF_8)).isEqualTo(
                "{\"v\": 1, \"sch\": 1, \"f\": 2, \"t\": 7}\n{\"a\\u2028\\u0080\\uffff\\ud800\": \"x\"}");
    }

    @Test
    void testWriteEmptyLog()
    {
        LogFile logFile = new LogFile(1, Schema.EMPTY, List.of(), List.of());
        assertThat(new String(LogFileParser.write(logFile), UTF_8)).isEqualTo("{\"v\": 1, \"sch\": 1, \"f\": 2, \"t\": 1}\n{}");
        assertThat(LogFileParser.parse(KEY, LogFileParser.write(logFile))).isEqualTo(logFile);
    }

    @Test
    void testWriteAliveMarkerWithoutTombstones()
    {
        LogFile logFile = new LogFile(
                1795579471416L,
                new Schema(Map.of("ts", "BIGINT")),
                List.of(),
                List.of(FileMarker.alive("readme/_data/u=a/x.parquet", 1234, 1795579471400L)));
        assertThat(new String(LogFileParser.write(logFile), UTF_8)).isEqualTo("""
                {"v": 1, "sch": 1, "f": 2, "t": 1795579471416}
                {"ts": "BIGINT"}
                {"p": "readme/_data/u=a/x.parquet", "b": 1234, "t": 1795579471400}""");
    }

    @Test
    void testLenientCompactJson()
    {
        assertThat(parse("""
                {"v":1,"sch":1,"f":3,"t":100,"tmb":2}
                {"a":"BIGINT","b":"VARCHAR"}
                {"p":"t/_log/1_h.jsonl","t":90}
                {"p":"t/_data/x.parquet","b":10,"t":80,"tmb":95}
                {"p":"t/_data/y.parquet","b":20,"t":85}"""))
                .isEqualTo(expectedLenientModel());
    }

    @Test
    void testLenientReorderedAndExtraKeys()
    {
        assertThat(parse("""
                {"tmb": 2, "t": 100, "extra": {"nested": [1, 2, {"x": null}]}, "f": 3, "sch": 1, "v": 1}
                {"a": "BIGINT", "b": "VARCHAR"}
                {"t": 90, "why": "merge", "p": "t/_log/1_h.jsonl"}
                {"tmb": 95, "t": 80, "b": 10, "p": "t/_data/x.parquet", "rows": 3}
                {"b": 20, "p": "t/_data/y.parquet", "t": 85, "tags": ["a"], "tmb": null}"""))
                .isEqualTo(expectedLenientModel());
    }

    @Test
    void testLenientCrlfAndTrailingNewline()
    {
        String crlf = String.join("\r\n",
                "{\"v\": 1, \"sch\": 1, \"f\": 3, \"t\": 100, \"tmb\": 2}",
                "{\"a\": \"BIGINT\", \"b\": \"VARCHAR\"}",
                "{\"p\": \"t/_log/1_h.jsonl\", \"t\": 90}",
                "{\"p\": \"t/_data/x.parquet\", \"b\": 10, \"t\": 80, \"tmb\": 95}",
                "{\"p\": \"t/_data/y.parquet\", \"b\": 20, \"t\": 85}");
        assertThat(parse(crlf)).isEqualTo(expectedLenientModel());
        assertThat(parse(crlf + "\r\n")).isEqualTo(expectedLenientModel());
        assertThat(parse(crlf.replace("\r\n", "\n") + "\n")).isEqualTo(expectedLenientModel());
        assertThat(parse(crlf.replace("\r\n", "\n") + "\n\n  \n")).isEqualTo(expectedLenientModel());
    }

    @Test
    void testLenientNumbersAsStrings()
    {
        assertThat(parse("""
                {"v": "1", "sch": "1", "f": "3", "t": "100", "tmb": "2"}
                {"a": "BIGINT", "b": "VARCHAR"}
                {"p": "t/_log/1_h.jsonl", "t": "90"}
                {"p": "t/_data/x.parquet", "b": "10", "t": " 80 ", "tmb": "95"}
                {"p": "t/_data/y.parquet", "b": 20.0, "t": 85}"""))
                .isEqualTo(expectedLenientModel());
    }

    @Test
    void testLenientIndexesOtherThanPythonWrites()
    {
        // line 1 is not referenced by any index: Python ignores it, and so do we
        LogFile parsed = parse("""
                {"v": 1, "sch": 2, "f": 4, "t": 100, "tmb": 3}
                {"ignored": 1}
                {"a": "BIGINT"}
                {"p": "t/_log/1_h.jsonl", "t": 90}""");
        assertThat(parsed).isEqualTo(new LogFile(100, new Schema(Map.of("a", "BIGINT")), List.of(new LogTombstone("t/_log/1_h.jsonl", 90)), List.of()));
    }

    @Test
    void testDuplicateColumnKeepsLastTypeAtFirstPosition()
    {
        LogFile parsed = parse("""
                {"v": 1, "sch": 1, "f": 2, "t": 100}
                {"a": "INTEGER", "b": "VARCHAR", "a": "BIGINT"}""");
        assertThat(parsed.schema().columns()).containsExactly(Map.entry("a", "BIGINT"), Map.entry("b", "VARCHAR"));
    }

    @Test
    void testRejectsEmptyFile()
    {
        assertInvalid("", "the file is empty");
        assertInvalid("\n", "the file is empty");
        assertInvalid(" \r\n\n", "the file is empty");
    }

    @Test
    void testRejectsInvalidJson()
    {
        assertInvalid("{\"v\": 1, \"sch\": 1, \"f\": 2, \"t\": 100}\n{\"a\": \"BIGINT\"\n", "line 1 is not valid JSON");
        assertInvalid("{\"v\": 1, \"sch\": 1, \"f\": 2, \"t\": 100}\n{\"a\": \"BIGINT\"}\n{p: 1}", "line 2 is not valid JSON");
        assertInvalid("not json", "line 0 is not valid JSON");
        assertInvalid("{\"v\": 1, \"sch\": 1, \"f\": 2, \"t\": 100} {}\n{}", "line 0 holds more than one JSON value");
        assertInvalid("[1]\n{}", "line 0 is not a JSON object");
    }

    @Test
    void testRejectsInvalidUtf8()
    {
        byte[] content = "{\"v\": 1, \"sch\": 1, \"f\": 2, \"t\": 100}\n{\"a\": \"?\"}".getBytes(UTF_8);
        content[content.length - 3] = (byte) 0xC3;
        assertThatThrownBy(() -> LogFileParser.parse(KEY, content))
                .isInstanceOf(InvalidLogException.class)
                .hasMessageStartingWith("Invalid IceDB log file " + KEY + ": line 1 is not valid JSON: ");
    }

    @Test
    void testRejectsBlankLineBeforeLastObject()
    {
        assertInvalid("{\"v\": 1, \"sch\": 1, \"f\": 2, \"t\": 100}\n\n{\"a\": \"BIGINT\"}", "line 1 is blank");
    }

    @Test
    void testRejectsMissingMetadata()
    {
        assertInvalid("{\"sch\": 1, \"f\": 2, \"t\": 100}\n{}", "line 0 (metadata): missing \"v\"");
        assertInvalid("{\"v\": 1, \"f\": 2, \"t\": 100}\n{}", "line 0 (metadata): missing \"sch\"");
        assertInvalid("{\"v\": 1, \"sch\": 1, \"t\": 100}\n{}", "line 0 (metadata): missing \"f\"");
        assertInvalid("{\"v\": 1, \"sch\": 1, \"f\": 2}\n{}", "line 0 (metadata): missing \"t\"");
        assertInvalid("{\"v\": 1, \"sch\": 1, \"f\": 2, \"t\": null}\n{}", "line 0 (metadata): \"t\" is null");
        assertInvalid("{\"v\": 1, \"sch\": 1, \"f\": 2, \"t\": \"soon\"}\n{}", "line 0 (metadata): \"t\" is not a whole number that fits in 64 bits but the string \"soon\"");
        assertInvalid("{\"v\": 1, \"sch\": 1, \"f\": 2, \"t\": 1.5}\n{}", "\"t\" is not a whole number");
        assertInvalid("{\"v\": 1, \"sch\": 1, \"f\": 2, \"t\": 99999999999999999999}\n{}", "\"t\" is not a whole number that fits in 64 bits");
    }

    @Test
    void testRejectsUnsupportedVersion()
    {
        assertInvalid("{\"v\": 2, \"sch\": 1, \"f\": 2, \"t\": 100}\n{}", "unsupported log version v = 2 (expected 1)");
    }

    @Test
    void testRejectsBadIndexes()
    {
        assertInvalid("{\"v\": 1, \"sch\": 1, \"f\": 3, \"t\": 100}\n{}", "f = 3 is beyond the end of the file, which has 2 lines");
        assertInvalid("{\"v\": 1, \"sch\": 1, \"f\": 1, \"t\": 100}\n{}", "f = 1 must be at least 2");
        assertInvalid("{\"v\": 1, \"sch\": 0, \"f\": 2, \"t\": 100}\n{}", "sch = 0 must be a line between 1 and f - 1 = 1");
        assertInvalid("{\"v\": 1, \"sch\": 2, \"f\": 2, \"t\": 100}\n{}\n{\"p\": \"x\", \"b\": 1, \"t\": 1}", "sch = 2 must be a line between 1 and f - 1 = 1");
        assertInvalid("{\"v\": 1, \"sch\": 1, \"f\": 2, \"t\": 100, \"tmb\": 2}\n{}", "tmb = 2 must be a line after sch = 1 and before f = 2");
        assertInvalid("{\"v\": 1, \"sch\": 1, \"f\": 3, \"t\": 100, \"tmb\": 5}\n{}\n{}", "tmb = 5 must be a line after sch = 1 and before f = 3");
        assertInvalid("{\"v\": 1, \"sch\": 1, \"f\": 3, \"t\": 100, \"tmb\": 1}\n{}\n{\"p\": \"x\", \"t\": 1}", "tmb = 1 must be a line after sch = 1 and before f = 3");
    }

    @Test
    void testRejectsSchemaThatIsNotAnObjectOfStrings()
    {
        assertInvalid("{\"v\": 1, \"sch\": 1, \"f\": 2, \"t\": 100}\n[\"a\"]", "line 1 is not a JSON object");
        assertInvalid("{\"v\": 1, \"sch\": 1, \"f\": 2, \"t\": 100}\n{\"a\": 1}", "line 1 (schema): the type of column \"a\" is not a string but 1");
        assertInvalid("{\"v\": 1, \"sch\": 1, \"f\": 2, \"t\": 100}\n{\"a\": {\"b\": \"INTEGER\"}}", "line 1 (schema): the type of column \"a\" is not a string but an object");
        assertInvalid("{\"v\": 1, \"sch\": 1, \"f\": 2, \"t\": 100}\n{\"a\": null}", "line 1 (schema): the type of column \"a\" is not a string but null");
    }

    @Test
    void testRejectsBadLogTombstones()
    {
        assertInvalid("{\"v\": 1, \"sch\": 1, \"f\": 3, \"t\": 100, \"tmb\": 2}\n{}\n{\"t\": 1}", "line 2 (log tombstone): missing \"p\"");
        assertInvalid("{\"v\": 1, \"sch\": 1, \"f\": 3, \"t\": 100, \"tmb\": 2}\n{}\n{\"p\": \"x\"}", "line 2 (log tombstone): missing \"t\"");
    }

    @Test
    void testRejectsBadFileMarkers()
    {
        String head = "{\"v\": 1, \"sch\": 1, \"f\": 2, \"t\": 100}\n{}\n";
        assertInvalid(head + "{\"b\": 1, \"t\": 1}", "line 2 (file marker): missing \"p\"");
        assertInvalid(head + "{\"p\": \"x\", \"t\": 1}", "line 2 (file marker): missing \"b\"");
        assertInvalid(head + "{\"p\": \"x\", \"b\": 1}", "line 2 (file marker): missing \"t\"");
        assertInvalid(head + "{\"p\": \"x\", \"b\": 1, \"t\": 1}\n{\"p\": 7, \"b\": 1, \"t\": 1}", "line 3 (file marker): \"p\" is not a string but 7");
        assertInvalid(head + "{\"p\": \"x\", \"b\": 1, \"t\": 1, \"tmb\": true}", "line 2 (file marker): \"tmb\" is not a whole number that fits in 64 bits but true");
    }

    private static LogFile expectedLenientModel()
    {
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("a", "BIGINT");
        columns.put("b", "VARCHAR");
        return new LogFile(
                100,
                new Schema(columns),
                List.of(new LogTombstone("t/_log/1_h.jsonl", 90)),
                List.of(new FileMarker("t/_data/x.parquet", 10, 80, OptionalLong.of(95)), FileMarker.alive("t/_data/y.parquet", 20, 85)));
    }

    private static LogFile parse(String content)
    {
        return LogFileParser.parse(KEY, content.getBytes(UTF_8));
    }

    private static void assertInvalid(String content, String problem)
    {
        assertThatThrownBy(() -> parse(content))
                .isInstanceOf(InvalidLogException.class)
                .hasMessageStartingWith("Invalid IceDB log file " + KEY + ": ")
                .hasMessageContaining(problem)
                .satisfies(e -> assertThat(((InvalidLogException) e).logKey()).isEqualTo(KEY));
    }
}
