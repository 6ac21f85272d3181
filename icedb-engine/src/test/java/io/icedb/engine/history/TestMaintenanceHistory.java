package io.icedb.engine.history;

import io.icedb.engine.exceptions.InvalidMetadataObjectException;
import io.icedb.engine.io.LocalFileIo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class TestMaintenanceHistory
{
    @TempDir
    Path root;

    @Test
    void testRecordsReadBackOldestFirst()
            throws Exception
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        Map<String, Long> mergeMetrics = new LinkedHashMap<>();
        mergeMetrics.put("parts_merged", 8L);
        mergeMetrics.put("bytes_merged", 11_733L);
        mergeMetrics.put("parts_written", 2L);
        MaintenanceRun merge = new MaintenanceRun("merge", 1_000, 2_000, "node-1/q1/merge", Optional.of("t/_log/1999_m_trino-abc.jsonl"), mergeMetrics);
        MaintenanceRun orphans = new MaintenanceRun("remove_orphan_files", 500, 900, "node-2/q2/remove_orphan_files", Optional.empty(), Map.of("files_deleted", 0L));

        String mergeKey = MaintenanceHistory.record(fileIo, "t", merge);
        String orphansKey = MaintenanceHistory.record(fileIo, "t", orphans);

        assertThat(mergeKey).matches("t/_icedb/history/00000000000000002000-[0-9a-f]{32}\\.json");
        assertThat(orphansKey).startsWith("t/_icedb/history/00000000000000000900-");
        // nothing under the log, nothing for another table
        assertThat(fileIo.list("t/_log/")).isEmpty();
        assertThat(MaintenanceHistory.read(fileIo, "other")).isEmpty();
        assertThat(MaintenanceHistory.read(fileIo, "t")).containsExactly(orphans, merge);
        // metric order is kept
        assertThat(MaintenanceHistory.read(fileIo, "t").getLast().metrics().keySet()).containsExactly("parts_merged", "bytes_merged", "parts_written");
    }

    @Test
    void testRecordsFinishedBefore()
            throws Exception
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        String early = MaintenanceHistory.record(fileIo, "t", new MaintenanceRun("cleanup", 1, 100, "h", Optional.empty(), Map.of()));
        String late = MaintenanceHistory.record(fileIo, "t", new MaintenanceRun("merge", 150, 200, "h", Optional.empty(), Map.of()));
        fileIo.overwrite("t/_icedb/history/00000000000000000001-notes.json", new byte[0]);

        assertThat(MaintenanceHistory.recordsFinishedBefore(fileIo, "t", 100)).isEmpty();
        assertThat(MaintenanceHistory.recordsFinishedBefore(fileIo, "t", 101)).containsExactly(early);
        assertThat(MaintenanceHistory.recordsFinishedBefore(fileIo, "t", 1_000)).containsExactly(early, late);
    }

    @Test
    void testUnknownKeysAndOtherObjectsAreIgnored()
            throws Exception
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        fileIo.overwrite("t/_icedb/history/notes.txt", "not a record".getBytes(UTF_8));
        fileIo.overwrite("t/_icedb/history/00000000000000000005-0123456789abcdef0123456789abcdef.json", """
                {"operation": "cleanup", "started_at": 1, "finished_at": 5, "holder": "h", "future": {"a": [1, 2]}, "metrics": {"parts_deleted": 3}}
                """.getBytes(UTF_8));

        assertThat(MaintenanceHistory.read(fileIo, "t"))
                .containsExactly(new MaintenanceRun("cleanup", 1, 5, "h", Optional.empty(), Map.of("parts_deleted", 3L)));
    }

    @Test
    void testInvalidRecordIsNamed()
            throws Exception
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        String key = "t/_icedb/history/00000000000000000005-0123456789abcdef0123456789abcdef.json";
        for (String content : new String[] {
                "[]",
                "{\"operation\": \"merge\", \"started_at\": 1, \"holder\": \"h\", \"metrics\": {}}",
                "{\"operation\": \"merge\", \"started_at\": 1, \"finished_at\": 2, \"holder\": \"h\", \"metrics\": {\"parts\": \"many\"}}",
                "{\"operation\": \"merge\", \"started_at\": 1, \"finished_at\": 2, \"holder\": \"h\", \"metrics\": {\"parts\": 99999999999999999999999}}",
                "{\"operation\": 7, \"started_at\": 1, \"finished_at\": 2, \"holder\": \"h\"}",
                "{\"operation\": \"merge\", \"started_at\": 1, \"finished_at\": 2, \"holder\": \"h\", \"metrics\": {",
        }) {
            fileIo.overwrite(key, content.getBytes(UTF_8));
            assertThatThrownBy(() -> MaintenanceHistory.read(fileIo, "t"))
                    .as(content)
                    .isInstanceOf(InvalidMetadataObjectException.class)
                    .hasMessageStartingWith("Invalid maintenance record " + key + ": ");
        }
    }
}
