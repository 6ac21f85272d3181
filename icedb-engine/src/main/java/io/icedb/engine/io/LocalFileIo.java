package io.icedb.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static java.util.Objects.requireNonNull;

/**
 * {@link IcedbFileIo} over a local directory that plays the bucket: the key {@code a/b/c.jsonl} is the file
 * {@code root/a/b/c.jsonl}. Writes go through a temporary file in {@value #TEMP_DIRECTORY} under the root, which
 * {@link #list} never returns, so a half-written object is never visible. Directories are not objects: empty
 * directories stay behind after deletes, as they would not exist in a bucket.
 */
public final class LocalFileIo
        implements IcedbFileIo
{
    /**
     * Temporary files of writes in progress; hidden from {@link #list} and rejected as a key.
     */
    public static final String TEMP_DIRECTORY = ".icedb-tmp";

    private final Path root;

    public LocalFileIo(Path root)
    {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
    }

    public Path root()
    {
        return root;
    }

    @Override
    public List<FileEntry> list(String prefix)
            throws IOException
    {
        requireNonNull(prefix, "prefix is null");
        checkSegments(prefix, false);
        // walk from the deepest directory the prefix fixes completely: "t/_log/" -> t/_log, "t/_lo" -> t
        int lastSlash = prefix.lastIndexOf('/');
        String startKey = lastSlash < 0 ? "" : prefix.substring(0, lastSlash);
        Path start = startKey.isEmpty() ? root : root.resolve(startKey);
        if (!start.normalize().startsWith(root) || !Files.isDirectory(start)) {
            return List.of();
        }
        List<FileEntry> entries = new ArrayList<>();
        Files.walkFileTree(start, new SimpleFileVisitor<>()
        {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes)
            {
                if (directory.equals(root)) {
                    return FileVisitResult.CONTINUE;
                }
                String directoryKey = keyOf(directory) + "/";
                if (directoryKey.equals(TEMP_DIRECTORY + "/")) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                // descend only where keys starting with the prefix can be
                if (directoryKey.startsWith(prefix) || prefix.startsWith(directoryKey)) {
                    return FileVisitResult.CONTINUE;
                }
                return FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
            {
                if (attributes.isRegularFile()) {
                    String key = keyOf(file);
                    if (key.startsWith(prefix)) {
                        entries.add(new FileEntry(key, attributes.size(), attributes.lastModifiedTime().toMillis()));
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exception)
                    throws IOException
            {
                // deleted while we walked: a concurrent delete, not an error of the listing
                if (exception instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exception;
            }
        });
        return entries;
    }

    @Override
    public byte[] read(String key)
            throws IOException
    {
        return Files.readAllBytes(resolve(key));
    }

    @Override
    public void createExclusive(String key, byte[] data)
            throws IOException
    {
        requireNonNull(data, "data is null");
        Path target = resolve(key);
        createParentDirectories(key, target);
        Path temp = writeTemp(data);
        try {
            // a hard link fails atomically when the target exists, also against other processes, and the
            // target appears with its complete content
            Files.createLink(target, temp);
        }
        finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory(target.getParent());
    }

    @Override
    public void overwrite(String key, byte[] data)
            throws IOException
    {
        requireNonNull(data, "data is null");
        Path target = resolve(key);
        createParentDirectories(key, target);
        Path temp = writeTemp(data);
        try {
            Files.move(temp, target, REPLACE_EXISTING, ATOMIC_MOVE);
        }
        finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory(target.getParent());
    }

    @Override
    public void delete(String key)
            throws IOException
    {
        Path path = resolve(key);
        try {
            Files.deleteIfExists(path);
        }
        catch (DirectoryNotEmptyException e) {
            throw new IOException("Not an object but a directory: " + key, e);
        }
    }

    @Override
    public long size(String key)
            throws IOException
    {
        Path path = resolve(key);
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new NoSuchFileException(key, null, "not an object");
        }
        return attributes.size();
    }

    private static void createParentDirectories(String key, Path target)
            throws IOException
    {
        try {
            Files.createDirectories(target.getParent());
        }
        catch (FileAlreadyExistsException e) {
            // not to be mistaken for "the object exists": a prefix of the key is an object
            throw new IOException("Cannot create object %s: a parent directory is a file".formatted(key), e);
        }
    }

    private Path writeTemp(byte[] data)
            throws IOException
    {
        Path tempDirectory = root.resolve(TEMP_DIRECTORY);
        Files.createDirectories(tempDirectory);
        Path temp = tempDirectory.resolve(UUID.randomUUID() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, CREATE_NEW, WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(data);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            }
            catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return temp;
    }

    private static void syncDirectory(Path directory)
    {
        // makes the new name durable; not every platform can open a directory, and the write itself already succeeded
        try (FileChannel channel = FileChannel.open(directory, READ)) {
            channel.force(true);
        }
        catch (IOException | RuntimeException _) {
            // best effort
        }
    }

    private Path resolve(String key)
    {
        requireNonNull(key, "key is null");
        if (key.isEmpty() || key.startsWith("/") || key.endsWith("/") || key.contains("//") || key.indexOf('\0') >= 0 || key.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("Invalid object key: '%s'".formatted(key));
        }
        checkSegments(key, true);
        if (key.equals(TEMP_DIRECTORY) || key.startsWith(TEMP_DIRECTORY + "/")) {
            throw new IllegalArgumentException("Object key '%s' is reserved for temporary files".formatted(key));
        }
        Path path = root.resolve(key).normalize();
        if (!path.startsWith(root) || path.equals(root)) {
            throw new IllegalArgumentException("Object key '%s' escapes the root %s".formatted(key, root));
        }
        return path;
    }

    private static void checkSegments(String keyOrPrefix, boolean isKey)
    {
        for (String segment : keyOrPrefix.split("/", -1)) {
            if (segment.equals("..") || (isKey && segment.equals("."))) {
                throw new IllegalArgumentException("Object key or prefix '%s' must not contain '..' or '.' segments".formatted(keyOrPrefix));
            }
        }
    }

    private String keyOf(Path path)
    {
        String relative = root.relativize(path).toString();
        return path.getFileSystem().getSeparator().equals("/") ? relative : relative.replace(path.getFileSystem().getSeparator(), "/");
    }
}
