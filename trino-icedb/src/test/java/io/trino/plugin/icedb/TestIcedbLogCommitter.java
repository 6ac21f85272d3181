package io.trino.plugin.icedb;

import io.icedb.engine.io.DelegatingFileIo;
import io.icedb.engine.io.FileEntry;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.io.LocalFileIo;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileParser;
import io.icedb.engine.spec.Schema;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.SchemaTableName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_COMMIT_ERROR;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_SCHEMA_CONFLICT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The commit's exclusive create: an ambiguous 412 for our own object is a success, a genuine collision retries with a
 * fresh name, and the content identifies the commit.
 */
final class TestIcedbLogCommitter
{
    private static final SchemaTableName TABLE = new SchemaTableName("s", "t");
    private static final Schema SCHEMA = new Schema(Map.of("id", "BIGINT"));
    private static final List<FileMarker> PARTS = List.of(FileMarker.alive("s/t/_data/3f1c2a9e-7b1d-4c1e-9a4f-0d5e6f7a8b9c.parquet", 1234, 1000));

    @Test
    void testCreatesOneLog(@TempDir Path root)
            throws IOException
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        String key = IcedbLogCommitter.createLog(fileIo, TABLE, "s/t", () -> SCHEMA, PARTS, hosts("a"), () -> 5000);
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
        String key = IcedbLogCommitter.createLog(fileIo, TABLE, "s/t", () -> SCHEMA, PARTS, hosts("a", "b"), () -> 5000);
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
        String key = IcedbLogCommitter.createLog(fileIo, TABLE, "s/t", () -> SCHEMA, PARTS, hosts("a", "b"), () -> 5000);
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
        String key = IcedbLogCommitter.createLog(fileIo, TABLE, "s/t", () -> {
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
        assertThatThrownBy(() -> IcedbLogCommitter.createLog(fileIo, TABLE, "s/t", () -> SCHEMA, PARTS, () -> "h" + host.incrementAndGet(), () -> 5000))
                .isInstanceOfSatisfying(TrinoException.class, e -> assertThat(e.getErrorCode()).isEqualTo(ICEDB_COMMIT_ERROR.toErrorCode()))
                .hasMessageContaining("Failed to commit to table s.t after 10 attempts");
    }

    @Test
    void testCommitSchemaIsTheCurrentSchemaWithTheWrittenColumns()
    {
        // a concurrent ADD COLUMN committed b: the insert's log keeps it and appends nothing it already has
        Schema current = new Schema(Map.of("id", "BIGINT")).union(new Schema(Map.of("b", "VARCHAR")), "log");
        assertThat(IcedbLogCommitter.union(TABLE, current, SCHEMA).columns()).containsExactly(Map.entry("id", "BIGINT"), Map.entry("b", "VARCHAR"));
        // a concurrent writer committed id as VARCHAR: the commit fails, naming the column and both types
        assertThatThrownBy(() -> IcedbLogCommitter.union(TABLE, new Schema(Map.of("id", "VARCHAR")), SCHEMA))
                .isInstanceOfSatisfying(TrinoException.class, e -> assertThat(e.getErrorCode()).isEqualTo(ICEDB_SCHEMA_CONFLICT.toErrorCode()))
                .hasMessage("Cannot commit to table s.t: column 'id' has type VARCHAR in the table but BIGINT in the written data");
    }

    @Test
    void testHostPrefixIsPathSafe()
    {
        assertThat(IcedbLogCommitter.hostPrefix("20261125_052300_00042_abcde")).isEqualTo("trino-20261125-052300-00042-abcde");
        assertThat(IcedbLogCommitter.hostPrefix("__")).isEqualTo("trino");
        assertThat(IcedbLogCommitter.hostPrefix("a/b_c")).isEqualTo("trino-a-b-c");
    }

    private static Supplier<String> hosts(String... hosts)
    {
        Iterator<String> iterator = List.of(hosts).iterator();
        return iterator::next;
    }
}
