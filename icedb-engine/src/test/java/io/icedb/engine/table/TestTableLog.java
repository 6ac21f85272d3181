package io.icedb.engine.table;

import io.icedb.engine.exceptions.CommitFailedException;
import io.icedb.engine.exceptions.SchemaConflictException;
import io.icedb.engine.io.DelegatingFileIo;
import io.icedb.engine.io.FileEntry;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.io.LocalFileIo;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileParser;
import io.icedb.engine.spec.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The insert commit's exclusive create: an ambiguous 412 for our own object is a success, a genuine collision retries
 * with a fresh name, and the content identifies the commit; reading every log, and what each log changed.
 */
final class TestTableLog
{
    private static final Schema SCHEMA = new Schema(Map.of("id", "BIGINT"));
    private static final List<FileMarker> PARTS = List.of(FileMarker.alive("s/t/_data/3f1c2a9e-7b1d-4c1e-9a4f-0d5e6f7a8b9c.parquet", 1234, 1000));

    @Test
    void testCreatesOneLog(@TempDir Path root)
            throws IOException
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        String key = TableLog.createInsertLog(fileIo, "s/t", () -> SCHEMA, PARTS, hosts("a"), () -> 5000);
        assertThat(key).isEqualTo("s/t/_log/5000_a.jsonl");
        assertThat(fileIo.list("s/t/_log/")).extracting(FileEntry::key).containsExactly(key);
        LogFile log = LogFileParser.parse(key, fileIo.read(key));
        assertThat(log.fileMarkers()).isEqualTo(PARTS);
        assertThat(log.schema()).isEqualTo(SCHEMA);
        assertThat(log.logTombstones()).isEmpty();
    }

    @Test
    void testSucceededPutAnswering412IsOurs(@TempDir Path root)
            throws IOException
    {
        // an SDK retry of a PUT that succeeded: the object is created, then the client sees 412
        LocalFileIo local = new LocalFileIo(root);
        IcedbFileIo fileIo = new DelegatingFileIo(local)
        {
            @Override
            public void createExclusive(String key, byte[] data)
                    throws IOException
            {
                local.createExclusive(key, data);
                throw new FileAlreadyExistsException(key);
            }
        };
        String key = TableLog.createInsertLog(fileIo, "s/t", () -> SCHEMA, PARTS, hosts("a", "b"), () -> 5000);
        assertThat(key).isEqualTo("s/t/_log/5000_a.jsonl");
        assertThat(local.list("s/t/_log/")).extracting(FileEntry::key).containsExactly(key);
    }

    @Test
    void testLostResponseOfSucceededCreateIsOurs(@TempDir Path root)
            throws IOException
    {
        LocalFileIo local = new LocalFileIo(root);
        IcedbFileIo fileIo = new DelegatingFileIo(local)
        {
            @Override
            public void createExclusive(String key, byte[] data)
                    throws IOException
            {
                local.createExclusive(key, data);
                throw new IOException("connection reset");
            }
        };
        String key = TableLog.createInsertLog(fileIo, "s/t", () -> SCHEMA, PARTS, hosts("a", "b"), () -> 5000);
        assertThat(key).isEqualTo("s/t/_log/5000_a.jsonl");
        assertThat(local.list("s/t/_log/")).hasSize(1);
    }

    @Test
    void testGenuineCollisionRetriesWithFreshName(@TempDir Path root)
            throws IOException
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        byte[] theirs = "{\"v\": 1, \"sch\": 1, \"f\": 2, \"t\": 5000}\n{\"id\": \"BIGINT\"}".getBytes(UTF_8);
        fileIo.createExclusive("s/t/_log/5000_a.jsonl", theirs);
        AtomicInteger schemaReads = new AtomicInteger();
        String key = TableLog.createInsertLog(fileIo, "s/t", () -> {
            schemaReads.incrementAndGet();
            return SCHEMA;
        }, PARTS, hosts("a", "b"), () -> 5000);
        assertThat(key).isEqualTo("s/t/_log/5000_b.jsonl");
        assertThat(fileIo.read("s/t/_log/5000_a.jsonl")).isEqualTo(theirs);
        assertThat(LogFileParser.parse(key, fileIo.read(key)).fileMarkers()).isEqualTo(PARTS);
        // the schema is read again for the new attempt: a concurrent ADD COLUMN may have committed meanwhile
        assertThat(schemaReads).hasValue(2);
    }

    @Test
    void testGivesUpAfterRepeatedCollisions(@TempDir Path root)
    {
        IcedbFileIo fileIo = new DelegatingFileIo(new LocalFileIo(root))
        {
            @Override
            public void createExclusive(String key, byte[] data)
                    throws IOException
            {
                throw new FileAlreadyExistsException(key);
            }

            @Override
            public byte[] read(String key)
            {
                return "someone else's".getBytes(UTF_8);
            }
        };
        AtomicInteger host = new AtomicInteger();
        assertThatThrownBy(() -> TableLog.createInsertLog(fileIo, "s/t", () -> SCHEMA, PARTS, () -> "h" + host.incrementAndGet(), () -> 5000))
                .isInstanceOf(CommitFailedException.class)
                .hasMessageContaining("Failed to commit to table 's/t' after 10 attempts");
    }

    @Test
    void testCommitSchemaIsTheCurrentSchemaWithTheWrittenColumns(@TempDir Path root)
            throws IOException
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        TableLog tableLog = TableLog.uncached(fileIo, "s/t");
        // a concurrent ADD COLUMN committed b: the insert's log keeps it and appends nothing it already has
        tableLog.commitInsert(new Schema(Map.of("id", "BIGINT")).union(new Schema(Map.of("b", "VARCHAR")), "log"), List.of(), hosts("a"), () -> 1000);
        String key = tableLog.commitInsert(SCHEMA, PARTS, hosts("b"), () -> 2000);
        assertThat(LogFileParser.parse(key, fileIo.read(key)).schema().columns()).containsExactly(Map.entry("id", "BIGINT"), Map.entry("b", "VARCHAR"));
        // a concurrent writer committed id as VARCHAR: the commit fails, naming the column and both types
        TableLog other = TableLog.uncached(fileIo, "s/u");
        other.commitInsert(new Schema(Map.of("id", "VARCHAR")), List.of(), hosts("a"), () -> 1000);
        assertThatThrownBy(() -> other.commitInsert(SCHEMA, PARTS, hosts("b"), () -> 2000))
                .isInstanceOfSatisfying(SchemaConflictException.class, e -> {
                    assertThat(e.column()).isEqualTo("id");
                    assertThat(e.existingType()).isEqualTo("VARCHAR");
                    assertThat(e.conflictingType()).isEqualTo("BIGINT");
                });
        assertThat(fileIo.list("s/u/_log/")).hasSize(1);
    }

    @Test
    void testReadAllHasEveryLogWhateverItsTime(@TempDir Path root)
            throws IOException
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        TableLog tableLog = TableLog.uncached(fileIo, "s/t");
        assertThat(tableLog.readAll().isEmpty()).isTrue();
        assertThat(tableLog.currentSchema()).isEmpty();
        String first = tableLog.commitInsert(SCHEMA, PARTS, hosts("a"), () -> 1000);
        // stamped far ahead of every clock: a time-bound read would not see it
        String second = tableLog.commitInsert(SCHEMA, List.of(), hosts("b"), () -> Long.MAX_VALUE / 2);
        fileIo.overwrite("s/t/_log/not-a-log.txt", new byte[0]);
        TableLogs logs = tableLog.readAll();
        assertThat(logs.logs().keySet()).containsExactly(first, second);
        assertThat(logs.newestTimestamp()).contains(Long.MAX_VALUE / 2);
        assertThat(logs.nextTimestamp(5)).isEqualTo(Long.MAX_VALUE / 2 + 1);
        assertThat(logs.referencedParts()).containsExactly(PARTS.getFirst().path());
        assertThat(logs.fold().aliveFiles()).isEqualTo(PARTS);
    }

    @Test
    void testChangesCountWhatEachLogAddedAndRemoved()
    {
        FileMarker a = FileMarker.alive("t/_data/a.parquet", 10, 1);
        FileMarker b = FileMarker.alive("t/_data/b.parquet", 20, 1);
        FileMarker merged = FileMarker.alive("t/_data/m.parquet", 25, 3);
        List<LogChange> changes = LogChange.replay(List.of(
                Map.entry("t/_log/1_a.jsonl", new LogFile(1, SCHEMA, List.of(), List.of(a))),
                Map.entry("t/_log/2_b.jsonl", new LogFile(2, SCHEMA, List.of(), List.of(b))),
                // a merged log restates what it keeps, tombstones what it replaced and lists what it wrote
                Map.entry("t/_log/3_m_c.jsonl", new LogFile(3, SCHEMA, List.of(), List.of(a.withTombstone(3), b.withTombstone(3), merged)))));
        assertThat(changes).extracting(LogChange::addedParts).containsExactly(1L, 1L, 1L);
        assertThat(changes).extracting(LogChange::removedParts).containsExactly(0L, 0L, 2L);
        assertThat(changes).extracting(LogChange::addedBytes).containsExactly(10L, 20L, 25L);
        assertThat(changes).extracting(LogChange::removedBytes).containsExactly(0L, 0L, 30L);
        assertThat(changes.getLast().tombstonedMarkers()).isEqualTo(2);
        assertThat(changes.getLast().name().orElseThrow().merged()).isTrue();
    }

    @Test
    void testTheOldestVersionReadFromATimeOn()
    {
        SequencedMap<String, LogFile> logMap = new LinkedHashMap<>();
        logMap.put("t/_log/1000_a.jsonl", new LogFile(1000, SCHEMA, List.of(), List.of()));
        logMap.put("t/_log/2000_b.jsonl", new LogFile(2000, SCHEMA, List.of(), List.of()));
        logMap.put("t/_log/3000_m_c.jsonl", new LogFile(3000, SCHEMA, List.of(), List.of()));
        TableLogs logs = new TableLogs("t", logMap);
        // a snapshot at a time reads the logs strictly before it
        assertThat(logs.oldestVersionFrom(2500)).contains(2000L);
        assertThat(logs.oldestVersionFrom(2000)).contains(1000L);
        assertThat(logs.oldestVersionFrom(Long.MAX_VALUE)).contains(3000L);
        // no log that old: the oldest snapshot there is, the first log's
        assertThat(logs.oldestVersionFrom(1000)).contains(1000L);
        assertThat(new TableLogs("t", new LinkedHashMap<>()).oldestVersionFrom(1000)).isEmpty();
    }

    private static Supplier<String> hosts(String... hosts)
    {
        Iterator<String> iterator = List.of(hosts).iterator();
        return iterator::next;
    }
}
