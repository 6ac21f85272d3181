package io.trino.plugin.icedb.maintenance;

import io.icedb.engine.Snapshot;
import io.icedb.engine.commit.InsertLogBuilder;
import io.icedb.engine.commit.MergedLogBuilder;
import io.icedb.engine.commit.PlannedLog;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFileParser;
import io.icedb.engine.spec.Schema;
import io.icedb.engine.spec.TablePaths;
import io.icedb.engine.table.TableLog;
import io.icedb.engine.table.TableLogs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static java.util.Objects.requireNonNull;

/**
 * Builds an IceDB table history in a bucket without Trino's write path: parts written by DuckDB, insert logs and merged
 * logs planned by the engine, all with chosen timestamps (for example days in the past).
 */
final class TestingTableHistory
{
    private final S3TestingFileIo fileIo;
    private final String tablePrefix;
    private final Path workDirectory;
    private final Map<String, Path> localParts = new HashMap<>();

    TestingTableHistory(S3TestingFileIo fileIo, String tablePrefix, Path workDirectory)
    {
        this.fileIo = requireNonNull(fileIo, "fileIo is null");
        this.tablePrefix = requireNonNull(tablePrefix, "tablePrefix is null");
        this.workDirectory = requireNonNull(workDirectory, "workDirectory is null");
    }

    /**
     * Writes the rows of a DuckDB query as a part in {@code partition} (empty for none) and uploads it.
     */
    Part writePart(String partition, String duckDbQuery, long createdMillis)
    {
        String key = TablePaths.dataPrefix(tablePrefix) + (partition.isEmpty() ? "" : partition + "/") + UUID.randomUUID() + ".parquet";
        Path local = workDirectory.resolve(UUID.randomUUID() + ".parquet");
        Schema schema;
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement()) {
            statement.execute("COPY (%s) TO '%s' (FORMAT parquet)".formatted(duckDbQuery, local));
            Map<String, String> columns = new LinkedHashMap<>();
            try (ResultSet resultSet = statement.executeQuery("DESCRIBE SELECT * FROM read_parquet('%s')".formatted(local))) {
                while (resultSet.next()) {
                    columns.put(resultSet.getString("column_name"), resultSet.getString("column_type"));
                }
            }
            schema = new Schema(columns);
            byte[] content = Files.readAllBytes(local);
            fileIo.overwrite(key, content);
            localParts.put(key, local);
            return new Part(FileMarker.alive(key, content.length, createdMillis), schema);
        }
        catch (SQLException e) {
            throw new RuntimeException(e);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String commitInsert(long timestampMillis, List<Part> parts)
    {
        Schema schema = Schema.EMPTY;
        for (Part part : parts) {
            schema = schema.union(part.schema(), "insert");
        }
        PlannedLog log = InsertLogBuilder.build(tablePrefix, "test", timestampMillis, schema, parts.stream().map(Part::marker).toList());
        fileIo.overwrite(log.key(), LogFileParser.write(log.content()));
        return log.key();
    }

    /**
     * A merge as another IceDB writer would do it at {@code timestampMillis}: DuckDB merges the parts (union by name) into
     * one, and the engine plans the merged log over every log of the table.
     */
    String commitMerge(long timestampMillis, String partition, List<FileMarker> parts)
    {
        String files = String.join(", ", parts.stream().map(part -> "'" + localParts.get(part.path()) + "'").toList());
        Part merged = writePart(partition, "SELECT * FROM read_parquet([%s], union_by_name = true)".formatted(files), timestampMillis);
        TableLogs logs = TableLog.uncached(fileIo, tablePrefix).readAll();
        Snapshot snapshot = logs.fold();
        Set<String> replaced = parts.stream().map(FileMarker::path).collect(toImmutableSet());
        MergedLogBuilder.MergedLog log = MergedLogBuilder.build(snapshot, logs.asMap(), replaced, List.of(merged.marker()), merged.schema(), "test", timestampMillis);
        fileIo.overwrite(log.log().key(), LogFileParser.write(log.log().content()));
        return log.log().key();
    }

    record Part(FileMarker marker, Schema schema)
    {
        Part
        {
            requireNonNull(marker, "marker is null");
            requireNonNull(schema, "schema is null");
        }
    }
}
