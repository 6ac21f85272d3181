package io.trino.plugin.icedb.writer;

import io.trino.filesystem.Location;
import io.trino.filesystem.TrinoFileSystem;
import io.trino.filesystem.local.LocalFileSystem;
import io.trino.spi.type.Type;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

final class IcedbParquetWriterTestSupport
{
    static final String TRINO_VERSION = "476";

    private IcedbParquetWriterTestSupport() {}

    /**
     * Writes {@code rows} (plain Java values, see {@link TestingValues}) in one page to {@code file} through Trino's local file system,
     * then, when the options ask for validation, reads it back with Trino's Parquet reader and checks every value.
     */
    static WrittenParquetFile writeFile(Path file, List<String> columnNames, List<Type> columnTypes, List<List<?>> rows, IcedbParquetWriterOptions options)
            throws IOException
    {
        IcedbParquetWriter writer = createWriter(file, columnNames, columnTypes, options);
        writer.appendRows(TestingValues.page(columnTypes, rows));
        WrittenParquetFile written = writer.commit();
        if (options.validation()) {
            writer.validate(new LocalFileSystem(file.getParent()).newInputFile(written.location()));
        }
        return written;
    }

    static IcedbParquetWriter createWriter(Path file, List<String> columnNames, List<Type> columnTypes, IcedbParquetWriterOptions options)
            throws IOException
    {
        TrinoFileSystem fileSystem = new LocalFileSystem(file.getParent());
        Location location = Location.of("local:///" + file.getFileName());
        return new IcedbParquetWriter(
                fileSystem.newOutputFile(location),
                () -> fileSystem.deleteFile(location),
                columnNames,
                columnTypes,
                options,
                TRINO_VERSION);
    }
}
