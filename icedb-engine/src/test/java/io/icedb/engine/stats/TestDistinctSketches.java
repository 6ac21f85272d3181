package io.icedb.engine.stats;

import io.icedb.engine.exceptions.InvalidMetadataObjectException;
import io.icedb.engine.io.LocalFileIo;
import io.icedb.engine.stats.DistinctSketches.ColumnSketch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class TestDistinctSketches
{
    private static final String PREFIX = "db/t/_icedb/sketches/";
    private static final String FIRST = PREFIX + "1000_h.jsonl.00000000000000000005-aa.json";
    // a second computation at the same log, written later
    private static final String FIRST_AGAIN = PREFIX + "1000_h.jsonl.00000000000000000009-bb.json";
    private static final String SECOND = PREFIX + "2000_m_h.jsonl.00000000000000000007-cc.json";

    @TempDir
    Path root;

    @Test
    void testRoundTripUnderIcedbNeverUnderLog()
            throws Exception
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        Map<String, ColumnSketch> columns = Map.of("a", new ColumnSketch("bigint", new byte[] {1, 2, 3}), "b", new ColumnSketch("varchar", new byte[0]));
        String key = DistinctSketches.create(fileIo, "db/t", "db/t/_log/1700000000000_trino-abc.jsonl", columns, 42);
        assertThat(key).startsWith("db/t/_icedb/sketches/1700000000000_trino-abc.jsonl.00000000000000000042-").endsWith(".json");
        assertThat(DistinctSketches.list(fileIo, "db/t")).containsExactly(key);

        Map<String, ColumnSketch> read = DistinctSketches.read(fileIo, key);
        assertThat(read.keySet()).containsExactlyInAnyOrder("a", "b");
        assertThat(read.get("a").type()).isEqualTo("bigint");
        assertThat(read.get("a").sketch()).containsExactly(1, 2, 3);
        assertThat(read.get("b").sketch()).isEmpty();
    }

    @Test
    void testASnapshotUsesTheNewestSketchesNotNewerThanItself()
    {
        List<String> keys = List.of(SECOND, FIRST, FIRST_AGAIN, PREFIX + "not-a-sketch.json", PREFIX + "3000_h.jsonl");

        assertThat(DistinctSketches.select("db/t", keys, 999)).isEmpty();
        // of two computations at one log, the one written last
        assertThat(DistinctSketches.select("db/t", keys, 1000)).contains(FIRST_AGAIN);
        assertThat(DistinctSketches.select("db/t", keys, 1999)).contains(FIRST_AGAIN);
        assertThat(DistinctSketches.select("db/t", keys, 2000)).contains(SECOND);
        assertThat(DistinctSketches.select("db/t", keys, Long.MAX_VALUE)).contains(SECOND);
    }

    @Test
    void testUnselectableAreTheSketchesOlderThanTheOneTheOldestSnapshotSelects()
    {
        String secondAgain = PREFIX + "2000_m_h.jsonl.00000000000000000008-dd.json";
        List<String> keys = List.of(PREFIX + "3000_h.jsonl.00000000000000000001-ee.json", SECOND, FIRST, secondAgain, FIRST_AGAIN, PREFIX + "not-a-sketch.json");

        // no snapshot that old selects a sketch: every one may still be selected
        assertThat(DistinctSketches.unselectable("db/t", keys, 999)).isEmpty();
        // the oldest snapshot selects the last written at its log: the one written before it is never selected again
        assertThat(DistinctSketches.unselectable("db/t", keys, 1000)).containsExactly(FIRST);
        assertThat(DistinctSketches.unselectable("db/t", keys, 1999)).containsExactly(FIRST);
        assertThat(DistinctSketches.unselectable("db/t", keys, 2000)).containsExactlyInAnyOrder(SECOND, FIRST, FIRST_AGAIN);
        assertThat(DistinctSketches.unselectable("db/t", keys, 2999)).containsExactlyInAnyOrder(SECOND, FIRST, FIRST_AGAIN);
        // the newest is always kept; what is not a sketch object is never named
        assertThat(DistinctSketches.unselectable("db/t", keys, Long.MAX_VALUE)).containsExactlyInAnyOrder(SECOND, FIRST, secondAgain, FIRST_AGAIN);
    }

    @Test
    void testInvalidObjectsAreNamed()
    {
        String key = "db/t/_icedb/sketches/1_h.jsonl.1-a.json";
        assertThatThrownBy(() -> DistinctSketches.parse(key, "[]".getBytes(UTF_8)))
                .isInstanceOf(InvalidMetadataObjectException.class)
                .hasMessage("Invalid distinct-value sketches %s: not a JSON object".formatted(key));
        assertThatThrownBy(() -> DistinctSketches.parse(key, "{\"version\": 2, \"columns\": {}}".getBytes(UTF_8)))
                .hasMessageContaining("\"version\" is not 1");
        assertThatThrownBy(() -> DistinctSketches.parse(key, "{\"version\": 1, \"columns\": {\"a\": {\"type\": 3, \"sketch\": \"AA==\"}}}".getBytes(UTF_8)))
                .hasMessageContaining("\"columns.a.type\" is not a string");
        assertThatThrownBy(() -> DistinctSketches.parse(key, "{\"version\": 1, \"columns\": {\"a\": {\"type\": \"bigint\", \"sketch\": \"%%%\"}}}".getBytes(UTF_8)))
                .hasMessageContaining("columns.a.sketch is not base64");
        assertThatThrownBy(() -> DistinctSketches.parse(key, "{\"version\": 1}".getBytes(UTF_8)))
                .hasMessageContaining("missing object \"columns\"");
        // unknown keys are ignored
        assertThat(DistinctSketches.parse(key, "{\"version\": 1, \"later\": [1], \"columns\": {}}".getBytes(UTF_8))).isEmpty();
    }
}
