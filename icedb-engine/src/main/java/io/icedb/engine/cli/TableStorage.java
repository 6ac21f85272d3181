package io.icedb.engine.cli;

import io.icedb.engine.io.IcedbFileIo;

import java.io.IOException;

/**
 * The storage behind a root given on the command line: the engine's I/O over it, and how a key in a log (relative to
 * the bucket) reads as a path another engine can open.
 */
public interface TableStorage
        extends AutoCloseable
{
    IcedbFileIo fileIo();

    /**
     * The path or URI of the object with key {@code key}: a local file path, or {@code s3://bucket/key}.
     */
    String pathOf(String key);

    @Override
    default void close()
            throws IOException
    {}

    /**
     * Opens the storage of a root argument (a directory, or {@code s3://bucket}).
     */
    @FunctionalInterface
    interface Opener
    {
        TableStorage open(String root)
                throws IOException;
    }
}
