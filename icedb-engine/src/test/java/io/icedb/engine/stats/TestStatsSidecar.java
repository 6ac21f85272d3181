package io.icedb.engine.stats;

import io.icedb.engine.Snapshot;
import io.icedb.engine.exceptions.InvalidMetadataObjectException;
import io.icedb.engine.io.LocalFileIo;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class TestStatsSidecar
{
    private static final String LOG_KEY = "db/t/_log/1700000000000_trino-abc.jsonl";

    @TempDir
    Path root;

    @Test
    void testSidecarOfALogIsUnderIcedbNeverUnderLog()
    {
        assertThat(StatsSidecar.sidecarKey("db/t", LOG_KEY)).isEqualTo("db/t/_icedb/stats/1700000000000_trino-abc.jsonl.json");
        assertThat(StatsSidecar.sidecarKey("", "_log/1_h.jsonl")).isEqualTo("_icedb/stats/1_h.jsonl.json");
        assertThatThrownBy(() -> StatsSidecar.sidecarKey("db/t", "db/t/_log/"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void testPartStatsLiveInTheSidecarOfTheLogThatAddedThem()
    {
        Snapshot snapshot = new Snapshot(
                "db/t",
                new Schema(Map.of("a", "BIGINT")),
                List.of("db/t/_log/1_a.jsonl", "db/t/_log/2_b.jsonl"),
                List.of(FileMarker.alive("db/t/_data/x.parquet", 10, 1), FileMarker.alive("db/t/_data/y.parquet", 10, 2)),
                List.of(),
                List.of(),
                Map.of("db/t/_data/x.parquet", "db/t/_log/1_a.jsonl", "db/t/_data/y.parquet", "db/t/_log/2_b.jsonl"));

        assertThat(StatsSidecar.sidecarOf(snapshot, "db/t/_data/x.parquet")).contains("db/t/_icedb/stats/1_a.jsonl.json");
        assertThat(StatsSidecar.sidecarOf(snapshot, "db/t/_data/y.parquet")).contains("db/t/_icedb/stats/2_b.jsonl.json");
        assertThat(StatsSidecar.sidecarOf(snapshot, "db/t/_data/gone.parquet")).isEmpty();
    }

    @Test
    void testRoundTripThroughStorage()
            throws Exception
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        Map<String, PartStats> parts = Map.of(
                "db/t/_data/x.parquet", new PartStats(3, Map.of(
                        "a", new ColumnStats("BIGINT", OptionalLong.of(1), Optional.of("-5"), Optional.of("7"), 48),
                        "s", new ColumnStats("VARCHAR", OptionalLong.of(0), Optional.of("ä \"q\""), Optional.of("zz"), 30),
                        "l", new ColumnStats("INTEGER[]", OptionalLong.empty(), Optional.empty(), Optional.empty(), 12))),
                "db/t/_data/y.parquet", new PartStats(0, Map.of()));

        String key = StatsSidecar.create(fileIo, "db/t", LOG_KEY, parts);

        assertThat(key).isEqualTo("db/t/_icedb/stats/1700000000000_trino-abc.jsonl.json");
        assertThat(StatsSidecar.read(fileIo, key)).contains(parts);
        assertThat(fileIo.list("db/t/_log/")).isEmpty();
        // immutable: a second create of the same log's sidecar fails and leaves the first
        assertThatThrownBy(() -> StatsSidecar.create(fileIo, "db/t", LOG_KEY, Map.of()))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(StatsSidecar.read(fileIo, key)).contains(parts);
        assertThat(new String(fileIo.read(key), UTF_8))
                .startsWith("{\"version\":1,\"log\":\"1700000000000_trino-abc.jsonl\",\"parts\":{\"db/t/_data/x.parquet\":{\"rows\":3,\"columns\":{\"a\":{\"type\":\"BIGINT\",\"nulls\":1,\"min\":\"-5\",\"max\":\"7\",\"bytes\":48}");
    }

    @Test
    void testMissingSidecarIsEmpty()
            throws Exception
    {
        assertThat(StatsSidecar.read(new LocalFileIo(root), "db/t/_icedb/stats/none.json")).isEmpty();
    }

    @Test
    void testUnknownKeysAreIgnored()
    {
        String json = "{\"version\": 1, \"future\": [1, {\"x\": 2}], \"parts\": {\"p\": {\"rows\": 2, \"extra\": {}, \"columns\": {\"a\": {\"type\": \"DATE\", \"min\": \"2024-01-01\", \"max\": \"2024-02-01\", \"more\": 1}}}}}";

        assertThat(StatsSidecar.parse("k", json.getBytes(UTF_8)))
                .isEqualTo(Map.of("p", new PartStats(2, Map.of("a", new ColumnStats("DATE", OptionalLong.empty(), Optional.of("2024-01-01"), Optional.of("2024-02-01"), 0)))));
    }

    @Test
    void testInvalidSidecarsNameTheObject()
    {
        assertInvalid("[]", "not a JSON object");
        assertInvalid("{\"parts\": {}}", "\"version\" is not 1");
        assertInvalid("{\"version\": 2, \"parts\": {}}", "\"version\" is not 1");
        assertInvalid("{\"version\": 1}", "missing object \"parts\"");
        assertInvalid("{\"version\": 1, \"parts\": {\"p\": {\"columns\": {}}}}", "part p needs a non-negative integer \"rows\"");
        assertInvalid("{\"version\": 1, \"parts\": {\"p\": {\"rows\": \"3\", \"columns\": {}}}}", "\"parts.p.rows\" is not an integer");
        assertInvalid("{\"version\": 1, \"parts\": {\"p\": {\"rows\": 3, \"columns\": {\"a\": {\"type\": \"BIGINT\", \"min\": \"1\"}}}}}", "parts.p.columns.a needs");
        assertInvalid("{\"version\": 1, \"parts\": {\"p\": {\"rows\": 3, \"columns\": {\"a\": {\"type\": \"BIGINT\", \"nulls\": -1}}}}}", "parts.p.columns.a needs");
        assertInvalid("{\"version\": 1, \"parts\": ", "Invalid statistics sidecar");
    }

    private static void assertInvalid(String json, String message)
    {
        assertThatThrownBy(() -> StatsSidecar.parse("db/t/_icedb/stats/x.json", json.getBytes(UTF_8)))
                .isInstanceOf(InvalidMetadataObjectException.class)
                .hasMessageContaining("db/t/_icedb/stats/x.json")
                .hasMessageContaining(message);
    }
}
