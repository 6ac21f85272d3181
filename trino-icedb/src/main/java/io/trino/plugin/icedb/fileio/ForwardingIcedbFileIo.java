package io.trino.plugin.icedb.fileio;

import com.google.common.collect.ImmutableList;
import io.icedb.engine.io.FileEntry;
import io.icedb.engine.io.IcedbFileIo;
import io.trino.filesystem.FileIterator;
import io.trino.filesystem.Location;
import io.trino.filesystem.TrinoFileSystem;
import io.trino.filesystem.TrinoInput;
import io.trino.filesystem.TrinoInputFile;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

/**
 * The engine's storage over a {@link TrinoFileSystem}: a key {@code k} is the location {@code root + k}.
 */
public final class ForwardingIcedbFileIo
        implements IcedbFileIo
{
    private static final String LOCAL_SCHEME = "local://";
    /**
     * Where an exclusive create on the local file system stages its object before linking it into place; outside
     * every table, and its name is no valid schema or table name.
     */
    private static final String LOCAL_STAGING_DIRECTORY = ".icedb-staging";

    private final TrinoFileSystem fileSystem;
    private final String root;
    private final Optional<Path> localRoot;
    private final StorageErrors errors;

    public ForwardingIcedbFileIo(TrinoFileSystem fileSystem, String root, Optional<Path> localRoot)
    {
        this(fileSystem, root, localRoot, StorageErrors.NONE);
    }

    public ForwardingIcedbFileIo(TrinoFileSystem fileSystem, String root, Optional<Path> localRoot, StorageErrors errors)
    {
        this.errors = requireNonNull(errors, "errors is null");
        this.fileSystem = requireNonNull(fileSystem, "fileSystem is null");
        this.root = requireNonNull(root, "root is null");
        this.localRoot = requireNonNull(localRoot, "localRoot is null");
        checkArgument(root.endsWith("/"), "root does not end with a slash: %s", root);
    }

    @Override
    public List<FileEntry> list(String prefix)
            throws IOException
    {
        int lastSlash = prefix.lastIndexOf('/');
        String directory = lastSlash < 0 ? "" : prefix.substring(0, lastSlash + 1);
        ImmutableList.Builder<FileEntry> entries = ImmutableList.builder();
        FileIterator iterator;
        try {
            iterator = fileSystem.listFiles(Location.of(root + directory));
        }
        catch (FileNotFoundException | NoSuchFileException _) {
            return ImmutableList.of();
        }
        catch (IOException e) {
            throw errors.wrap(e);
        }
        try {
            while (iterator.hasNext()) {
                io.trino.filesystem.FileEntry entry = iterator.next();
                String key = keyOf(entry.location());
                if (key.startsWith(prefix)) {
                    entries.add(new FileEntry(key, entry.length(), entry.lastModified().toEpochMilli()));
                }
            }
        }
        catch (IOException e) {
            throw errors.wrap(e);
        }
        return entries.build();
    }

    @Override
    public byte[] read(String key)
            throws IOException
    {
        TrinoInputFile inputFile = fileSystem.newInputFile(location(key));
        try (InputStream stream = inputFile.newStream()) {
            return stream.readAllBytes();
        }
        catch (FileNotFoundException | NoSuchFileException e) {
            throw noSuchFile(key, e);
        }
        catch (IOException e) {
            throw errors.wrap(e);
        }
    }

    /**
     * Reads {@code length} bytes at {@code position}; the engine does not need it, the connector's tests and tools do.
     */
    public byte[] read(String key, long position, int length)
            throws IOException
    {
        try (TrinoInput input = fileSystem.newInputFile(location(key)).newInput()) {
            byte[] buffer = new byte[length];
            input.readFully(position, buffer, 0, length);
            return buffer;
        }
        catch (FileNotFoundException | NoSuchFileException e) {
            throw noSuchFile(key, e);
        }
    }

    @Override
    public void createExclusive(String key, byte[] data)
            throws IOException
    {
        if (root.startsWith(LOCAL_SCHEME)) {
            createExclusiveLocally(key, data);
            return;
        }
        try {
            fileSystem.newOutputFile(location(key)).createExclusive(data);
        }
        catch (IOException e) {
            throw errors.wrap(e);
        }
    }

    /**
     * Trino 476's local file system has no exclusive create, and its {@code create()} shows a half-written file.
     * Write the whole object under a unique staging name, then hard-link it to its key: the link fails when the key
     * exists, so exactly one writer wins and readers only ever see complete objects.
     */
    private void createExclusiveLocally(String key, byte[] data)
            throws IOException
    {
        Path directory = localRoot.orElseThrow(() -> new IOException(
                "Exclusive create of %s needs the local file system's root: set fs.native-local.enabled=true and local.location".formatted(root + key)));
        Path target = directory.resolve(key).normalize();
        checkArgument(target.startsWith(directory.normalize()), "key escapes the local root: %s", key);
        Path staging = directory.resolve(LOCAL_STAGING_DIRECTORY);
        Files.createDirectories(staging);
        Files.createDirectories(target.getParent());
        Path temporary = staging.resolve(UUID.randomUUID() + ".tmp");
        try {
            try (OutputStream output = Files.newOutputStream(temporary)) {
                output.write(data);
            }
            try {
                Files.createLink(target, temporary);
            }
            catch (FileAlreadyExistsException e) {
                throw new FileAlreadyExistsException(root + key);
            }
        }
        finally {
            Files.deleteIfExists(temporary);
        }
    }

    @Override
    public void overwrite(String key, byte[] data)
            throws IOException
    {
        try {
            fileSystem.newOutputFile(location(key)).createOrOverwrite(data);
        }
        catch (IOException e) {
            throw errors.wrap(e);
        }
    }

    @Override
    public void delete(String key)
            throws IOException
    {
        try {
            fileSystem.deleteFile(location(key));
        }
        catch (FileNotFoundException | NoSuchFileException _) {
            // deleting a missing object is not an error
        }
        catch (IOException e) {
            throw errors.wrap(e);
        }
    }

    @Override
    public long size(String key)
            throws IOException
    {
        try {
            return fileSystem.newInputFile(location(key)).length();
        }
        catch (FileNotFoundException | NoSuchFileException e) {
            throw noSuchFile(key, e);
        }
        catch (IOException e) {
            throw errors.wrap(e);
        }
    }

    public Location location(String key)
    {
        return Location.of(root + key);
    }

    private String keyOf(Location location)
    {
        String value = location.toString();
        if (value.startsWith(root)) {
            return value.substring(root.length());
        }
        // the file system may spell the root differently (for example local:/ against local:///): use the path
        return location.path();
    }

    private NoSuchFileException noSuchFile(String key, IOException cause)
    {
        NoSuchFileException exception = new NoSuchFileException(root + key);
        exception.initCause(cause);
        return exception;
    }
}
