package io.icedb.engine.io;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The storage the engine needs, addressed by keys relative to a root that plays the bucket
 * (file markers in a log are such keys). The connector implements it over Trino's file systems;
 * {@link LocalFileIo} implements it over a local directory.
 */
public interface IcedbFileIo
{
    /**
     * Every object whose key starts with {@code prefix} (plain string prefix, any depth), in any order.
     */
    List<FileEntry> list(String prefix)
            throws IOException;

    /**
     * The whole object.
     *
     * @throws NoSuchFileException when the object does not exist
     */
    byte[] read(String key)
            throws IOException;

    /**
     * The whole object; empty when it does not exist.
     */
    default Optional<byte[]> readIfExists(String key)
            throws IOException
    {
        try {
            return Optional.of(read(key));
        }
        catch (NoSuchFileException _) {
            return Optional.empty();
        }
    }

    /**
     * Creates the object with all of {@code data} only if no object has that key; all or nothing, never visible half-written.
     *
     * @throws FileAlreadyExistsException when the key exists (including an ambiguous retry of our own successful create)
     */
    void createExclusive(String key, byte[] data)
            throws IOException;

    /**
     * Creates or replaces the object.
     */
    void overwrite(String key, byte[] data)
            throws IOException;

    /**
     * Deletes the object; deleting a missing object is not an error.
     */
    void delete(String key)
            throws IOException;

    default void deleteAll(Collection<String> keys)
            throws IOException
    {
        for (String key : keys) {
            delete(key);
        }
    }

    /**
     * @throws NoSuchFileException when the object does not exist
     */
    long size(String key)
            throws IOException;
}
