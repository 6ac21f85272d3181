package io.icedb.engine.commit;

import io.icedb.engine.Snapshot;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileParser;
import io.icedb.engine.spec.Schema;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.icedb.engine.commit.CommitTesting.assertRoundTrips;
import static io.icedb.engine.commit.CommitTesting.fixturesDirectory;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class TestInsertLogBuilder
{
    private static final Schema SCHEMA = new Schema(new LinkedHashMap<>(Map.of("ts", "BIGINT")));

    @Test
    void testInsertLogContent()
    {
        FileMarker first = FileMarker.alive("db/events/_data/d=1/a.parquet", 100, 1700000000001L);
        FileMarker second = FileMarker.alive("db/events/_data/d=2/b.parquet", 200, 1700000000002L);
        PlannedLog log = InsertLogBuilder.build("db/events", "trino-1", 1700000000005L, SCHEMA, List.of(first, second));

        assertThat(log.key()).isEqualTo("db/events/_log/1700000000005_trino-1.jsonl");
        assertThat(log.name().merged()).isFalse();
        assertThat(log.content()).isEqualTo(new LogFile(1700000000005L, SCHEMA, List.of(), List.of(first, second)));
        assertThat(new String(LogFileParser.write(log.content()), UTF_8)).isEqualTo("""
                {"v": 1, "sch": 1, "f": 2, "t": 1700000000005}
                {"ts": "BIGINT"}
                {"p": "db/events/_data/d=1/a.parquet", "b": 100, "t": 1700000000001}
                {"p": "db/events/_data/d=2/b.parquet", "b": 200, "t": 1700000000002}""");
        assertRoundTrips(log);

        Snapshot snapshot = CommitTesting.latest("db/events", Map.of(log.key(), log.content()));
        assertThat(snapshot.aliveFiles()).containsExactly(first, second);
        assertThat(snapshot.schema()).isEqualTo(SCHEMA);
    }

    @Test
    void testSameBytesAsPythonInsert()
            throws IOException
    {
        Path file = fixturesDirectory().resolve("warehouse/custom_merge/_log/1795579479089_heldout-py.jsonl");
        byte[] python = Files.readAllBytes(file);
        LogFile parsed = LogFileParser.parse("custom_merge/_log/1795579479089_heldout-py.jsonl", python);

        PlannedLog log = InsertLogBuilder.build("custom_merge", "heldout-py", 1795579479089L, parsed.schema(), parsed.fileMarkers());

        assertThat(log.key()).isEqualTo("custom_merge/_log/1795579479089_heldout-py.jsonl");
        assertThat(LogFileParser.write(log.content())).isEqualTo(python);
    }

    @Test
    void testRejectsBadInput()
    {
        FileMarker part = FileMarker.alive("t/_data/a.parquet", 1, 1);
        assertThatThrownBy(() -> InsertLogBuilder.build("t", "bad_host", 1, SCHEMA, List.of(part)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad_host");
        assertThatThrownBy(() -> InsertLogBuilder.build("t", "a/b", 1, SCHEMA, List.of(part)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InsertLogBuilder.build("t", "h", 1, SCHEMA, List.of(part.withTombstone(2))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("t/_data/a.parquet");
        assertThatThrownBy(() -> InsertLogBuilder.build("t", "h", 1, SCHEMA, List.of(part, part)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
    }
}
