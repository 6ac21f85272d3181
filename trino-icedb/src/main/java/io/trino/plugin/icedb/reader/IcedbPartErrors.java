package io.trino.plugin.icedb.reader;

import io.trino.filesystem.Location;
import io.trino.filesystem.TrinoFileSystem;
import io.trino.parquet.ParquetCorruptionException;
import io.trino.parquet.metadata.BlockMetadata;
import io.trino.parquet.metadata.ColumnChunkMetadata;
import io.trino.parquet.metadata.ParquetMetadata;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.SchemaTableName;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.OptionalLong;

import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_BAD_DATA;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_CANNOT_OPEN_SPLIT;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_CURSOR_ERROR;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_MISSING_DATA;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * Errors reading one part, each naming the part and its table: a missing part, a part whose size differs from its
 * marker's {@code b} (checked when the part fails to read, so a good read costs nothing), a corrupted part, and a part
 * whose column types contradict the table's log.
 */
public final class IcedbPartErrors
{
    private final TrinoFileSystem fileSystem;
    private final String path;
    private final long markerBytes;
    private final SchemaTableName table;

    public IcedbPartErrors(TrinoFileSystem fileSystem, String path, long markerBytes, SchemaTableName table)
    {
        this.fileSystem = requireNonNull(fileSystem, "fileSystem is null");
        this.path = requireNonNull(path, "path is null");
        this.markerBytes = markerBytes;
        this.table = requireNonNull(table, "table is null");
    }

    public TrinoException translate(Exception exception)
    {
        if (exception instanceof TrinoException trinoException) {
            if (trinoException.getErrorCode().getName().startsWith("ICEDB_")) {
                return trinoException;
            }
            // the reader refuses a column whose Parquet type cannot hold the log's type (e.g. VARCHAR data for a BIGINT column)
            return new TrinoException(ICEDB_BAD_DATA, format("Part %s of table %s contradicts the table's log: %s", path, table, trinoException.getMessage()), trinoException);
        }
        if (exception instanceof FileNotFoundException || exception instanceof NoSuchFileException) {
            return new TrinoException(ICEDB_MISSING_DATA, format("Part %s is listed by the table's log but does not exist", path), exception);
        }
        OptionalLong actualBytes = actualSize();
        if (actualBytes.isPresent() && actualBytes.getAsLong() != markerBytes) {
            return new TrinoException(ICEDB_BAD_DATA, format(
                    "Size mismatch for part %s of table %s: the log says %s bytes, the object has %s",
                    path, table, markerBytes, actualBytes.getAsLong()), exception);
        }
        if (exception instanceof ParquetCorruptionException) {
            return new TrinoException(ICEDB_BAD_DATA, format("Corrupted part %s of table %s: %s", path, table, exception.getMessage()), exception);
        }
        if (exception instanceof IOException) {
            return new TrinoException(ICEDB_CANNOT_OPEN_SPLIT, format("Error opening part %s (%s bytes) of table %s: %s", path, markerBytes, table, exception.getMessage()), exception);
        }
        return new TrinoException(ICEDB_CURSOR_ERROR, format("Failed to read part %s of table %s: %s", path, table, exception.getMessage()), exception);
    }

    /**
     * Fails when a column chunk of the part ends beyond the size the marker gives (the footer and its 8 bytes follow the
     * data): the reader picks row groups by offset within that size and would drop the others without a word.
     */
    public void checkDataEnd(ParquetMetadata metadata)
            throws ParquetCorruptionException
    {
        long dataEnd = 0;
        for (BlockMetadata block : metadata.getBlocks()) {
            for (ColumnChunkMetadata column : block.columns()) {
                dataEnd = Math.max(dataEnd, column.getStartingPos() + column.getTotalSize());
            }
        }
        if (dataEnd + 8 > markerBytes) {
            OptionalLong actual = actualSize();
            throw new TrinoException(ICEDB_BAD_DATA, format(
                    "Size mismatch for part %s of table %s: the log says %s bytes, the object has %s (its data alone ends at byte %s)",
                    path, table, markerBytes, actual.isPresent() ? actual.getAsLong() : "an unknown number of", dataEnd));
        }
    }

    private OptionalLong actualSize()
    {
        try {
            return OptionalLong.of(fileSystem.newInputFile(Location.of(path)).length());
        }
        catch (IOException | RuntimeException _) {
            return OptionalLong.empty();
        }
    }
}
