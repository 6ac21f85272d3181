package io.trino.plugin.icedb;

import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.spec.LogFileParser;
import io.icedb.engine.spec.Schema;
import io.icedb.engine.spec.TablePaths;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds IceDB tables in a local directory that plays the bucket: parts written by DuckDB (as Python IceDB does),
 * logs written by the engine's codec.
 */
public final class TestingLocalTables
{
    private TestingLocalTables() {}

    /**
     * Writes the rows of a DuckDB query as a part of the table at {@code tablePrefix}, in {@code partition} (may be empty).
     */
    public static FileMarker writePart(Path root, String tablePrefix, String partition, String duckDbQuery, int rowGroupSize)
    {
        String key = TablePaths.dataPrefix(tablePrefix) + (partition.isEmpty() ? "" : partition + "/") + UUID.randomUUID() + ".parquet";
        Path file = root.resolve(key);
        try {
            Files.createDirectories(file.getParent());
            try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                    Statement statement = connection.createStatement()) {
                statement.execute("SET TimeZone = 'UTC'");
                statement.execute("COPY (%s) TO '%s' (FORMAT PARQUET, ROW_GROUP_SIZE %s)".formatted(duckDbQuery, file.toString().replace("'", "''"), rowGroupSize));
            }
            return FileMarker.alive(key, Files.size(file), System.currentTimeMillis());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void writeLog(Path root, String tablePrefix, long timestampMillis, Map<String, String> schema, List<FileMarker> parts)
    {
        byte[] content = LogFileParser.write(new LogFile(timestampMillis, new Schema(schema), List.of(), parts));
        writeLogBytes(root, tablePrefix, LogFileName.forWriter(timestampMillis, false, "test").fileName(), content);
    }

    public static void writeRawLog(Path root, String tablePrefix, String fileName, String content)
    {
        writeLogBytes(root, tablePrefix, fileName, content.getBytes(StandardCharsets.UTF_8));
    }

    private static void writeLogBytes(Path root, String tablePrefix, String fileName, byte[] content)
    {
        Path file = root.resolve(TablePaths.logPrefix(tablePrefix) + fileName);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, content);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
