package io.trino.plugin.icedb;

import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFileName;
import io.trino.spi.ErrorCodeSupplier;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_BAD_DATA;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_INVALID_LOG;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_INVALID_METADATA;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_INVALID_TYPE;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_MISSING_DATA;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_SCHEMA_CONFLICT;
import static io.trino.spi.StandardErrorCode.COLUMN_ALREADY_EXISTS;
import static io.trino.spi.StandardErrorCode.INVALID_PROCEDURE_ARGUMENT;
import static io.trino.spi.StandardErrorCode.INVALID_TABLE_PROPERTY;
import static io.trino.spi.StandardErrorCode.NOT_FOUND;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static io.trino.spi.StandardErrorCode.TABLE_ALREADY_EXISTS;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.parallel.ExecutionMode.SAME_THREAD;

/**
 * Bad input (issue 11): corrupt and truncated logs and parts, type contradictions, foreign and traversal markers, odd
 * names, bad procedure arguments and retentions, overlapping locations. Each case fails with a clear error of a
 * fitting code that names the object, and leaves the table's objects as they were. The list with outcomes is in
 * {@code docs/bad-input.md}.
 */
// one case at a time: assertRefused compares every object of schema bad before and after its statement
// heavy: 46 cases one at a time, each checking every object of its schema
@Tag("heavy")
@Execution(SAME_THREAD)
public class TestIcedbBadInput
        extends AbstractTestQueryFramework
{
    private Path root;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        root = Files.createTempDirectory("icedb-bad-input");
        closeAfterClass(() -> deleteRecursively(root, ALLOW_INSECURE));
        QueryRunner queryRunner = IcedbQueryRunner.builder()
                .setWorkerCount(2)
                .setLocalWarehouse(root)
                .addIcedbProperty("icedb.cleanup.min-retention", "1h")
                .addIcedbProperty("icedb.remove-orphan-files.min-retention", "1h")
                .build();
        queryRunner.execute("CREATE SCHEMA icedb.bad");
        return queryRunner;
    }

    // logs

    @Test
    public void testLogThatIsNotJson()
    {
        String log = corruptLog("not_json", "this is not json");
        assertReadsFail("not_json", ICEDB_INVALID_LOG, log);
    }

    @Test
    public void testTruncatedLog()
    {
        String log = corruptLog("truncated_log", "{\"v\": 1, \"sch\": 1, \"f\": 2, \"t\": 5}\n{\"a\": \"BIGINT\"}\n{\"p\": \"bad/truncated_log/_data/x.parq");
        assertReadsFail("truncated_log", ICEDB_INVALID_LOG, log);
    }

    @Test
    public void testEmptyLog()
    {
        String log = corruptLog("empty_log", "");
        assertReadsFail("empty_log", ICEDB_INVALID_LOG, log);
    }

    @Test
    public void testLogWithoutVersion()
    {
        String log = corruptLog("no_version", "{\"sch\": 1, \"f\": 2, \"t\": 5}\n{\"a\": \"BIGINT\"}");
        assertReadsFail("no_version", ICEDB_INVALID_LOG, log);
    }

    @Test
    public void testLogWithUnsupportedVersion()
    {
        String log = corruptLog("version_two", "{\"v\": 2, \"sch\": 1, \"f\": 2, \"t\": 5}\n{\"a\": \"BIGINT\"}");
        assertReadsFail("version_two", ICEDB_INVALID_LOG, log);
    }

    @Test
    public void testLogWithMarkerIndexBeyondTheEnd()
    {
        String log = corruptLog("f_beyond", "{\"v\": 1, \"sch\": 1, \"f\": 9, \"t\": 5}\n{\"a\": \"BIGINT\"}");
        assertReadsFail("f_beyond", ICEDB_INVALID_LOG, log);
    }

    @Test
    public void testLogWithSchemaIndexOutOfRange()
    {
        String log = corruptLog("sch_out", "{\"v\": 1, \"sch\": 5, \"f\": 2, \"t\": 5}\n{\"a\": \"BIGINT\"}");
        assertReadsFail("sch_out", ICEDB_INVALID_LOG, log);
    }

    @Test
    public void testLogWithMarkerWithoutPath()
    {
        String log = corruptLog("marker_no_path", "{\"v\": 1, \"sch\": 1, \"f\": 2, \"t\": 5}\n{\"a\": \"BIGINT\"}\n{\"b\": 10, \"t\": 5}");
        assertReadsFail("marker_no_path", ICEDB_INVALID_LOG, log);
    }

    @Test
    public void testLogWithSchemaThatIsNotAnObject()
    {
        String log = corruptLog("schema_array", "{\"v\": 1, \"sch\": 1, \"f\": 2, \"t\": 5}\n[\"a\"]");
        assertReadsFail("schema_array", ICEDB_INVALID_LOG, log);
    }

    @Test
    public void testLogWithUnknownDuckDbType()
    {
        String log = corruptLog("unknown_type", "{\"v\": 1, \"sch\": 1, \"f\": 2, \"t\": 5}\n{\"a\": \"BIGINT\", \"z\": \"NOT_A_TYPE\"}");
        // names the table and the type (not yet the column or the log); merge of this one-part table has nothing to
        // merge and succeeds without reading the types, so only the statements that read the table are asserted
        assertPartReadsFail("unknown_type", ICEDB_INVALID_TYPE, "Table bad.unknown_type (local:///bad/unknown_type): Invalid DuckDB type 'NOT_A_TYPE'");
        assertThat(log).isNotEmpty();
    }

    @Test
    public void testLogWithConflictingColumnType()
    {
        String log = corruptLog("conflict", "{\"v\": 1, \"sch\": 1, \"f\": 2, \"t\": 5}\n{\"a\": \"VARCHAR\"}");
        assertReadsFail("conflict", ICEDB_SCHEMA_CONFLICT, log);
        // the way out
        assertQuerySucceeds("DROP TABLE bad.conflict");
        assertThat(files("bad/conflict")).isEmpty();
    }

    @Test
    public void testUnparsableLogNameIsSkipped()
    {
        table("odd_log_name");
        TestingLocalTables.writeRawLog(root, "bad/odd_log_name", "notalog.jsonl", "garbage");
        assertThat(query("SELECT sum(a) FROM bad.odd_log_name")).matches("VALUES BIGINT '3'");
    }

    @Test
    public void testLogWithTrailingNewlineReads()
    {
        table("trailing_newline");
        TestingLocalTables.writeRawLog(root, "bad/trailing_newline", LogFileName.forWriter(System.currentTimeMillis(), false, "test").fileName(),
                "{\"v\": 1, \"sch\": 1, \"f\": 2, \"t\": 5}\n{\"a\": \"BIGINT\", \"p\": \"VARCHAR\"}\n");
        assertThat(query("SELECT sum(a) FROM bad.trailing_newline")).matches("VALUES BIGINT '3'");
    }

    // parts

    @Test
    public void testMissingPart()
    {
        table("missing_part");
        String part = files("bad/missing_part/_data").getFirst();
        deleteFile(part);
        assertPartReadsFail("missing_part", ICEDB_MISSING_DATA, part);
    }

    @Test
    public void testPartThatIsNotParquet()
    {
        table("not_parquet");
        String part = files("bad/not_parquet/_data").getFirst();
        long size = size(part);
        writeFile(part, "x".repeat((int) size));
        assertPartReadsFail("not_parquet", ICEDB_BAD_DATA, part);
    }

    @Test
    public void testTruncatedPart()
    {
        table("truncated_part");
        String part = files("bad/truncated_part/_data").getFirst();
        byte[] content = read(part);
        writeFile(part, new String(content, 0, content.length / 2, ISO_8859_1), ISO_8859_1);
        assertPartReadsFail("truncated_part", ICEDB_BAD_DATA, part);
    }

    @Test
    public void testPartWithContradictingColumnType()
    {
        FileMarker part = TestingLocalTables.writePart(root, "bad/contradicting", "", "SELECT 'text' AS a", 1000);
        TestingLocalTables.writeLog(root, "bad/contradicting", System.currentTimeMillis(), Map.of("a", "BIGINT"), List.of(part));
        assertPartReadsFail("contradicting", ICEDB_BAD_DATA, "Part local:///" + part.path() + " of table bad.contradicting contradicts the table's log");
    }

    @Test
    public void testMarkerSizeFarTooSmall()
    {
        FileMarker part = TestingLocalTables.writePart(root, "bad/size_tiny", "", "SELECT x AS a FROM range(1000) t(x)", 1000);
        TestingLocalTables.writeLog(root, "bad/size_tiny", System.currentTimeMillis(), Map.of("a", "BIGINT"), List.of(FileMarker.alive(part.path(), 10, 1)));
        assertPartReadsFail("size_tiny", ICEDB_BAD_DATA, "Size mismatch for part local:///%s of table bad.size_tiny: the log says 10 bytes, the object has %s".formatted(part.path(), part.bytes()));
    }

    @Test
    public void testMarkerSizeCuttingTheData()
    {
        FileMarker part = TestingLocalTables.writePart(root, "bad/size_half", "", "SELECT x AS a FROM range(100000) t(x)", 1000);
        TestingLocalTables.writeLog(root, "bad/size_half", System.currentTimeMillis(), Map.of("a", "BIGINT"), List.of(FileMarker.alive(part.path(), part.bytes() / 2, 1)));
        assertPartReadsFail("size_half", ICEDB_BAD_DATA, "Size mismatch for part local:///%s of table bad.size_half: the log says %s bytes, the object has %s".formatted(part.path(), part.bytes() / 2, part.bytes()));
    }

    @Test
    public void testForeignMarkerIsRead()
    {
        table("foreign_owner");
        String part = files("bad/foreign_owner/_data").getFirst();
        TestingLocalTables.writeLog(root, "bad/foreign_reader", System.currentTimeMillis(), Map.of("a", "BIGINT", "p", "VARCHAR"), List.of(FileMarker.alive(part, size(part), 1)));
        // reading another table's part is allowed (Python's copied tables rely on it)
        assertThat(query("SELECT sum(a) FROM bad.foreign_reader")).matches("VALUES BIGINT '3'");
    }

    // DDL and names

    @Test
    public void testTableNameStartingWithUnderscore()
    {
        assertRefused("CREATE TABLE bad.\"_hidden\" (a bigint)", NOT_SUPPORTED, "Invalid table name '_hidden'");
    }

    @Test
    public void testColumnNameTooLong()
    {
        assertRefused("CREATE TABLE bad.long_column (\"%s\" bigint)".formatted("c".repeat(256)), NOT_SUPPORTED, "Column name must be shorter than or equal to 255 characters but got 256");
    }

    @Test
    public void testNotNullColumn()
    {
        assertRefused("CREATE TABLE bad.not_null (a bigint NOT NULL)", NOT_SUPPORTED, "Catalog 'icedb' does not support non-null column for column name 'a'");
    }

    @Test
    public void testPartitioningOnUnknownColumn()
    {
        assertRefused("CREATE TABLE bad.part_unknown (a bigint) WITH (partitioning = ARRAY['b'])", INVALID_TABLE_PROPERTY, "b");
    }

    @Test
    public void testBucketCountZero()
    {
        assertRefused("CREATE TABLE bad.bucket_zero (a bigint) WITH (partitioning = ARRAY['bucket(a, 0)'])", INVALID_TABLE_PROPERTY, "bucket(a, 0)");
    }

    @Test
    public void testSortedByUnknownColumn()
    {
        assertRefused("CREATE TABLE bad.sort_unknown (a bigint) WITH (sorted_by = ARRAY['b'])", INVALID_TABLE_PROPERTY, "b");
    }

    @Test
    public void testBloomFilterOnUnknownColumn()
    {
        assertRefused("CREATE TABLE bad.bloom_unknown (a bigint) WITH (parquet_bloom_filter_columns = ARRAY['b'])", INVALID_TABLE_PROPERTY, "Invalid parquet_bloom_filter_columns: 'b' is not a column of the table");
    }

    @Test
    public void testLocationWithoutScheme()
    {
        assertRefused("CREATE TABLE bad.no_scheme (a bigint) WITH (location = 'no/scheme')", INVALID_TABLE_PROPERTY, "Invalid location 'no/scheme'");
    }

    @Test
    public void testLocationAtTheSchemaDirectory()
    {
        assertRefused("CREATE TABLE bad.at_schema (a bigint) WITH (location = 'local:///bad')", INVALID_TABLE_PROPERTY, "Cannot create table bad.at_schema at local:///bad: it is the directory of a schema");
    }

    @Test
    public void testLocationInsideAnotherTable()
    {
        table("host");
        assertRefused("CREATE TABLE bad.guest (a bigint) WITH (location = 'local:///bad/host/_data/guest')", INVALID_TABLE_PROPERTY, "the location is inside the table at local:///bad/host");
        assertThat(query("SELECT sum(a) FROM bad.host")).matches("VALUES BIGINT '3'");
    }

    @Test
    public void testAddExistingColumn()
    {
        table("add_existing");
        assertRefused("ALTER TABLE bad.add_existing ADD COLUMN a varchar", COLUMN_ALREADY_EXISTS, "Column 'a' already exists");
    }

    @Test
    public void testAddNotNullColumn()
    {
        table("add_not_null");
        assertRefused("ALTER TABLE bad.add_not_null ADD COLUMN b bigint NOT NULL", NOT_SUPPORTED, "NOT NULL");
    }

    @Test
    public void testCreateExistingTable()
    {
        table("exists_already");
        assertRefused("CREATE TABLE bad.exists_already (a bigint)", TABLE_ALREADY_EXISTS, "Table 'icedb.bad.exists_already' already exists");
    }

    @Test
    public void testInvalidTableIdentity()
    {
        table("bad_identity");
        writeFile("bad/bad_identity/_icedb/table.json", "[1, 2]");
        List<String> before = files("bad/bad_identity");
        assertThat(query("INSERT INTO bad.bad_identity VALUES (9, 'z')")).failure()
                .hasErrorCode(ICEDB_INVALID_METADATA)
                .hasMessageContaining("Invalid table identity bad/bad_identity/_icedb/table.json");
        assertThat(files("bad/bad_identity")).isEqualTo(before);
    }

    // procedures

    @Test
    public void testCleanupRetentionBelowMinimum()
    {
        table("cleanup_short");
        assertRefused("CALL icedb.system.cleanup('bad', 'cleanup_short', '1m')", INVALID_PROCEDURE_ARGUMENT, "Retention specified (1.00m) is shorter than the minimum retention configured in the system (1.00h, icedb.cleanup.min-retention); cleanup of table bad.cleanup_short refused");
    }

    @Test
    public void testCleanupRetentionNotADuration()
    {
        table("cleanup_garbage");
        assertRefused("CALL icedb.system.cleanup('bad', 'cleanup_garbage', 'seven days')", null, "seven days");
    }

    @Test
    public void testCleanupWithoutSchema()
    {
        assertRefused("CALL icedb.system.cleanup('', 'x', '7d')", INVALID_PROCEDURE_ARGUMENT, "schema_name cannot be null or empty");
    }

    @Test
    public void testMergeOfUnknownTable()
    {
        assertRefused("CALL icedb.system.merge('bad', 'no_such_table')", NOT_FOUND, "Table 'bad.no_such_table' not found");
    }

    @Test
    public void testMergeFileCountTooSmall()
    {
        table("merge_count");
        assertRefused("CALL icedb.system.merge(schema_name => 'bad', table_name => 'merge_count', max_file_count => 1)", INVALID_PROCEDURE_ARGUMENT, "max_file_count must be at least 2: 1");
    }

    @Test
    public void testRemoveOrphanFilesThresholdTooRecent()
    {
        table("orphans_recent");
        assertRefused("CALL icedb.system.remove_orphan_files(schema_name => 'bad', table_name => 'orphans_recent', retention_threshold => '1m')", INVALID_PROCEDURE_ARGUMENT, "icedb.remove-orphan-files.min-retention");
    }

    @Test
    public void testRegisterTableWithoutLogs()
    {
        assertRefused("CALL icedb.system.register_table('bad', 'nothing', 'local:///nothing/here')", INVALID_PROCEDURE_ARGUMENT, "No IceDB table at local:///nothing/here");
    }

    @Test
    public void testRegisterTableWithInvalidName()
    {
        table("register_source");
        assertRefused("CALL icedb.system.register_table('bad', '_x', 'local:///bad/register_source')", INVALID_PROCEDURE_ARGUMENT, "Invalid schema or table name: '_x'");
    }

    @Test
    public void testRegisterTableInsideAnotherTable()
    {
        table("register_host");
        TestingLocalTables.writeLog(root, "bad/register_host/_data/inner", System.currentTimeMillis(), Map.of("a", "BIGINT"), List.of());
        assertRefused("CALL icedb.system.register_table('bad', 'inner', 'local:///bad/register_host/_data/inner')", INVALID_PROCEDURE_ARGUMENT, "the location is inside the table at local:///bad/register_host");
    }

    @Test
    public void testUnregisterTableThatLivesInTheWarehouse()
    {
        table("not_registered");
        assertRefused("CALL icedb.system.unregister_table('bad', 'not_registered')", INVALID_PROCEDURE_ARGUMENT, "Table bad.not_registered lives in the warehouse and is not registered; drop it instead");
    }

    @Test
    public void testInsertWrongTypeIntoPythonColumn()
    {
        TestingLocalTables.writeLog(root, "bad/python_types", System.currentTimeMillis(), Map.of("n", "UBIGINT"), List.of());
        assertRefused("INSERT INTO bad.python_types VALUES 5", null, "n");
    }

    // helpers

    /**
     * A table with two rows, {@code a} 1 and 2, in one part.
     */
    private void table(String name)
    {
        assertUpdate("CREATE TABLE bad.%s (a bigint, p varchar)".formatted(name));
        assertUpdate("INSERT INTO bad.%s VALUES (1, 'x'), (2, 'y')".formatted(name), 2);
    }

    private String corruptLog(String name, String content)
    {
        table(name);
        String fileName = LogFileName.forWriter(System.currentTimeMillis() + 1000, false, "corrupt").fileName();
        TestingLocalTables.writeRawLog(root, "bad/" + name, fileName, content);
        return "bad/" + name + "/_log/" + fileName;
    }

    /**
     * SELECT, INSERT and merge fail with {@code code} naming {@code object}; no statement changed the table's objects.
     */
    private void assertReadsFail(String table, ErrorCodeSupplier code, String object)
    {
        assertStatementsFail(table, code, object, List.of("SELECT * FROM bad." + table, "INSERT INTO bad.%s SELECT * FROM bad.%s".formatted(table, table), "CALL icedb.system.merge('bad', '%s')".formatted(table)));
    }

    /**
     * SELECT and INSERT ... SELECT fail with {@code code} naming {@code object} (a bad part: a table of one part has
     * nothing to merge); no statement changed the table's objects.
     */
    private void assertPartReadsFail(String table, ErrorCodeSupplier code, String object)
    {
        assertStatementsFail(table, code, object, List.of("SELECT * FROM bad." + table, "INSERT INTO bad.%s SELECT * FROM bad.%s".formatted(table, table)));
    }

    private void assertStatementsFail(String table, ErrorCodeSupplier code, String object, List<String> statements)
    {
        List<String> before = files("bad/" + table);
        for (String sql : statements) {
            var failure = assertThat(query(sql)).as(sql).failure();
            if (code != null) {
                failure.hasErrorCode(code);
            }
            failure.hasMessageContaining(object);
        }
        assertThat(files("bad/" + table)).isEqualTo(before);
    }

    private void assertRefused(String sql, ErrorCodeSupplier code, String message)
    {
        List<String> before = files("bad");
        var failure = assertThat(query(sql)).as(sql).failure();
        if (code != null) {
            failure.hasErrorCode(code);
        }
        failure.hasMessageContaining(message);
        assertThat(files("bad")).isEqualTo(before);
    }

    private List<String> files(String prefix)
    {
        Path directory = root.resolve(prefix);
        if (!Files.exists(directory)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            return paths.filter(Files::isRegularFile)
                    .map(path -> root.relativize(path).toString())
                    // lease objects change with every statement that takes the lease
                    .filter(key -> !key.contains("/_icedb/lease/"))
                    .sorted()
                    .toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long size(String key)
    {
        try {
            return Files.size(root.resolve(key));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] read(String key)
    {
        try {
            return Files.readAllBytes(root.resolve(key));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeFile(String key, String content)
    {
        writeFile(key, content, UTF_8);
    }

    private void writeFile(String key, String content, Charset charset)
    {
        try {
            Files.createDirectories(root.resolve(key).getParent());
            Files.writeString(root.resolve(key), content, charset);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void deleteFile(String key)
    {
        try {
            Files.delete(root.resolve(key));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
