package io.trino.plugin.icedb.faults;

import com.google.common.collect.ImmutableList;
import io.trino.filesystem.FileEntry;
import io.trino.filesystem.FileIterator;
import io.trino.filesystem.Location;
import io.trino.filesystem.TrinoFileSystem;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.filesystem.TrinoInput;
import io.trino.filesystem.TrinoInputFile;
import io.trino.filesystem.TrinoInputStream;
import io.trino.filesystem.TrinoOutputFile;
import io.trino.memory.context.AggregatedMemoryContext;
import io.trino.spi.security.ConnectorIdentity;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;
import static java.util.concurrent.TimeUnit.MILLISECONDS;

/**
 * Trino's file system with a simulated process crash: counts the object operations that change storage (creates,
 * overwrites, deletes, renames) and, when armed for step {@code k}, fails before or after the k-th of them. From then on
 * every storage access fails (reads included), as if the process had died: nothing the statement would do later (its
 * clean-up included) happens. Every storage access of the connector goes through it (the engine's I/O is built on
 * Trino's file system), installed with {@code IcedbConnectorFactory}'s file-system module hook.
 * <p>
 * Reads and listings are not counted as steps: they change nothing, so a crash at one leaves storage as a crash right
 * after the preceding change (or before the next one) does; these states are all covered.
 * <p>
 * It can also hold one change ({@link #pauseBefore}): the statement making it waits at a known point while the test runs
 * other statements, without sleeping.
 */
public final class CrashingFileSystemFactory
        implements TrinoFileSystemFactory
{
    public enum When
    {
        BEFORE, AFTER
    }

    private interface StorageAction
    {
        void run()
                throws IOException;
    }

    private final TrinoFileSystemFactory delegate;
    private final List<String> changes = new ArrayList<>();
    private int crashStep;
    private When crashWhen = When.BEFORE;
    private boolean crashed;
    private Optional<Pause> pause = Optional.empty();

    public CrashingFileSystemFactory(TrinoFileSystemFactory delegate)
    {
        this.delegate = requireNonNull(delegate, "delegate is null");
    }

    /**
     * Counts the changes from now on, and crashes {@code when} the {@code step}-th (1-based) is made.
     */
    public synchronized void arm(int step, When when)
    {
        changes.clear();
        crashStep = step;
        crashWhen = requireNonNull(when, "when is null");
        crashed = false;
    }

    /**
     * Counts the changes from now on, without crashing.
     */
    public synchronized void count()
    {
        changes.clear();
        crashStep = 0;
        crashed = false;
    }

    /**
     * The process "restarts": storage works again, nothing is counted.
     */
    public synchronized void disarm()
    {
        crashStep = 0;
        crashed = false;
    }

    /**
     * The next change whose description (e.g. {@code PUT s3://bucket/warehouse/s/t/_data/...}) matches waits before it
     * is made until the returned pause is released; later changes go on.
     */
    public synchronized Pause pauseBefore(Predicate<String> change)
    {
        if (pause.isPresent()) {
            throw new IllegalStateException("A pause is armed");
        }
        Pause armed = new Pause(requireNonNull(change, "change is null"));
        pause = Optional.of(armed);
        return armed;
    }

    /**
     * Disarms a pause no change has reached.
     */
    public synchronized void cancelPause()
    {
        pause = Optional.empty();
    }

    public static final class Pause
    {
        private final Predicate<String> change;
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        private Pause(Predicate<String> change)
        {
            this.change = change;
        }

        /**
         * Waits until {@code statement} is held at the change; fails when it finishes without getting there.
         */
        public void awaitReached(Future<?> statement)
        {
            try {
                while (!reached.await(100, MILLISECONDS)) {
                    if (statement.isDone()) {
                        throw new AssertionError("The statement finished without reaching the pause: " + outcome(statement));
                    }
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RuntimeException(e);
            }
        }

        private static String outcome(Future<?> statement)
        {
            try {
                return String.valueOf(statement.get());
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return e.toString();
            }
            catch (ExecutionException e) {
                return e.getCause().toString();
            }
        }

        public void release()
        {
            released.countDown();
        }

        private void hold()
                throws IOException
        {
            reached.countDown();
            try {
                released.await();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while paused");
            }
        }
    }

    public synchronized boolean crashed()
    {
        return crashed;
    }

    /**
     * The changes made (or tried, for the one crashed before) since {@link #arm} or {@link #count}.
     */
    public synchronized List<String> changes()
    {
        return ImmutableList.copyOf(changes);
    }

    private void change(String description, StorageAction action)
            throws IOException
    {
        Optional<Pause> held;
        synchronized (this) {
            held = pause.filter(armed -> armed.change.test(description));
            if (held.isPresent()) {
                pause = Optional.empty();
            }
        }
        if (held.isPresent()) {
            held.get().hold();
        }
        int step;
        When when;
        synchronized (this) {
            checkAlive(description);
            changes.add(description);
            step = changes.size();
            when = crashWhen;
            if (step == crashStep && when == When.BEFORE) {
                crashed = true;
                throw new IOException("Simulated crash before step %s: %s".formatted(step, description));
            }
        }
        action.run();
        synchronized (this) {
            if (step == crashStep && when == When.AFTER) {
                crashed = true;
                throw new IOException("Simulated crash after step %s: %s".formatted(step, description));
            }
        }
    }

    private synchronized void checkAlive(String description)
            throws IOException
    {
        if (crashed) {
            throw new IOException("Simulated crash: the process is dead (%s)".formatted(description));
        }
    }

    @Override
    public TrinoFileSystem create(ConnectorIdentity identity)
    {
        return new CrashingFileSystem(delegate.create(identity));
    }

    private final class CrashingFileSystem
            implements TrinoFileSystem
    {
        private final TrinoFileSystem fileSystem;

        private CrashingFileSystem(TrinoFileSystem fileSystem)
        {
            this.fileSystem = requireNonNull(fileSystem, "fileSystem is null");
        }

        @Override
        public TrinoInputFile newInputFile(Location location)
        {
            return new CrashingInputFile(fileSystem.newInputFile(location));
        }

        @Override
        public TrinoInputFile newInputFile(Location location, long length)
        {
            return new CrashingInputFile(fileSystem.newInputFile(location, length));
        }

        @Override
        public TrinoInputFile newInputFile(Location location, long length, Instant lastModified)
        {
            return new CrashingInputFile(fileSystem.newInputFile(location, length, lastModified));
        }

        @Override
        public TrinoOutputFile newOutputFile(Location location)
        {
            return new CrashingOutputFile(fileSystem.newOutputFile(location));
        }

        @Override
        public void deleteFile(Location location)
                throws IOException
        {
            change("DELETE " + location, () -> fileSystem.deleteFile(location));
        }

        @Override
        public void deleteFiles(Collection<Location> locations)
                throws IOException
        {
            change("DELETE " + locations, () -> fileSystem.deleteFiles(locations));
        }

        @Override
        public void deleteDirectory(Location location)
                throws IOException
        {
            change("DELETE DIRECTORY " + location, () -> fileSystem.deleteDirectory(location));
        }

        @Override
        public void renameFile(Location source, Location target)
                throws IOException
        {
            change("RENAME " + source + " TO " + target, () -> fileSystem.renameFile(source, target));
        }

        @Override
        public FileIterator listFiles(Location location)
                throws IOException
        {
            checkAlive("LIST " + location);
            FileIterator iterator = fileSystem.listFiles(location);
            return new FileIterator()
            {
                @Override
                public boolean hasNext()
                        throws IOException
                {
                    checkAlive("LIST " + location);
                    return iterator.hasNext();
                }

                @Override
                public FileEntry next()
                        throws IOException
                {
                    return iterator.next();
                }
            };
        }

        @Override
        public Optional<Boolean> directoryExists(Location location)
                throws IOException
        {
            checkAlive("DIRECTORY EXISTS " + location);
            return fileSystem.directoryExists(location);
        }

        @Override
        public void createDirectory(Location location)
                throws IOException
        {
            checkAlive("CREATE DIRECTORY " + location);
            fileSystem.createDirectory(location);
        }

        @Override
        public void renameDirectory(Location source, Location target)
                throws IOException
        {
            change("RENAME DIRECTORY " + source + " TO " + target, () -> fileSystem.renameDirectory(source, target));
        }

        @Override
        public Set<Location> listDirectories(Location location)
                throws IOException
        {
            checkAlive("LIST DIRECTORIES " + location);
            return fileSystem.listDirectories(location);
        }

        @Override
        public Optional<Location> createTemporaryDirectory(Location targetPath, String temporaryPrefix, String relativePrefix)
                throws IOException
        {
            checkAlive("CREATE TEMPORARY DIRECTORY " + targetPath);
            return fileSystem.createTemporaryDirectory(targetPath, temporaryPrefix, relativePrefix);
        }
    }

    private final class CrashingInputFile
            implements TrinoInputFile
    {
        private final TrinoInputFile file;

        private CrashingInputFile(TrinoInputFile file)
        {
            this.file = requireNonNull(file, "file is null");
        }

        @Override
        public TrinoInput newInput()
                throws IOException
        {
            checkAlive("READ " + file.location());
            return file.newInput();
        }

        @Override
        public TrinoInputStream newStream()
                throws IOException
        {
            checkAlive("READ " + file.location());
            return file.newStream();
        }

        @Override
        public long length()
                throws IOException
        {
            checkAlive("LENGTH " + file.location());
            return file.length();
        }

        @Override
        public Instant lastModified()
                throws IOException
        {
            checkAlive("LAST MODIFIED " + file.location());
            return file.lastModified();
        }

        @Override
        public boolean exists()
                throws IOException
        {
            checkAlive("EXISTS " + file.location());
            return file.exists();
        }

        @Override
        public Location location()
        {
            return file.location();
        }
    }

    private final class CrashingOutputFile
            implements TrinoOutputFile
    {
        private final TrinoOutputFile file;

        private CrashingOutputFile(TrinoOutputFile file)
        {
            this.file = requireNonNull(file, "file is null");
        }

        @Override
        public OutputStream create(AggregatedMemoryContext memoryContext)
                throws IOException
        {
            checkAlive("CREATE " + file.location());
            OutputStream stream = file.create(memoryContext);
            // the object is created when the stream closes: that is the step
            return new FilterOutputStream(stream)
            {
                private boolean closed;

                @Override
                public void write(byte[] buffer, int offset, int length)
                        throws IOException
                {
                    out.write(buffer, offset, length);
                }

                @Override
                public void close()
                        throws IOException
                {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    change("PUT " + file.location(), out::close);
                }
            };
        }

        @Override
        public void createOrOverwrite(byte[] data)
                throws IOException
        {
            change("PUT " + file.location(), () -> file.createOrOverwrite(data));
        }

        @Override
        public void createExclusive(byte[] data)
                throws IOException
        {
            change("PUT IF-NONE-MATCH " + file.location(), () -> file.createExclusive(data));
        }

        @Override
        public Location location()
        {
            return file.location();
        }
    }
}
