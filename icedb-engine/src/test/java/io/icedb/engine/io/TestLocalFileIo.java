package io.icedb.engine.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class TestLocalFileIo
{
    @TempDir
    Path root;

    @Test
    void testCreateExclusiveRaceHasExactlyOneCompleteWinner()
            throws Exception
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        int writers = 12;
        int size = 2 * 1024 * 1024;
        String key = "t/_log/1795579471416_host.jsonl";
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger winners = new AtomicInteger();
        AtomicInteger losers = new AtomicInteger();
        AtomicBoolean raceOver = new AtomicBoolean();
        AtomicInteger partialReads = new AtomicInteger();
        try (ExecutorService executor = Executors.newFixedThreadPool(writers + 1)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int writer = 0; writer < writers; writer++) {
                byte[] data = new byte[size];
                Arrays.fill(data, (byte) (writer + 1));
                futures.add(executor.submit(() -> {
                    start.await();
                    try {
                        fileIo.createExclusive(key, data);
                        winners.incrementAndGet();
                    }
                    catch (FileAlreadyExistsException e) {
                        losers.incrementAndGet();
                    }
                    return null;
                }));
            }
            // a concurrent reader must never see a half-written object
            Future<?> reader = executor.submit(() -> {
                start.await();
                while (!raceOver.get()) {
                    try {
                        byte[] content = fileIo.read(key);
                        if (content.length != size || !allEqual(content)) {
                            partialReads.incrementAndGet();
                        }
                    }
                    catch (NoSuchFileException e) {
                        // not created yet
                    }
                }
                return null;
            });
            start.countDown();
            for (Future<?> future : futures) {
                future.get();
            }
            raceOver.set(true);
            reader.get();
        }
        assertThat(winners.get()).isEqualTo(1);
        assertThat(losers.get()).isEqualTo(writers - 1);
        assertThat(partialReads.get()).isZero();
        byte[] content = fileIo.read(key);
        assertThat(content).hasSize(size);
        assertThat(allEqual(content)).isTrue();
        assertThat(content[0]).isBetween((byte) 1, (byte) writers);
        // no temporary file is left behind or listed
        assertThat(fileIo.list("")).extracting(FileEntry::key).containsExactly(key);
        try (Stream<Path> temps = Files.list(root.resolve(LocalFileIo.TEMP_DIRECTORY))) {
            assertThat(temps).isEmpty();
        }
    }

    @Test
    void testCreateExclusiveFailsWhenObjectExists()
            throws Exception
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        fileIo.createExclusive("a/b.txt", "first".getBytes(UTF_8));
        assertThatThrownBy(() -> fileIo.createExclusive("a/b.txt", "second".getBytes(UTF_8)))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(new String(fileIo.read("a/b.txt"), UTF_8)).isEqualTo("first");
    }

    @Test
    void testCreateExclusiveUnderAnObjectIsNotMistakenForExisting()
            throws Exception
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        fileIo.createExclusive("a", "file".getBytes(UTF_8));
        assertThatThrownBy(() -> fileIo.createExclusive("a/b", "x".getBytes(UTF_8)))
                .isNotInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining("a/b");
    }

    @Test
    void testOverwrite()
            throws Exception
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        fileIo.overwrite("t/_icedb/properties.json", "one".getBytes(UTF_8));
        assertThat(new String(fileIo.read("t/_icedb/properties.json"), UTF_8)).isEqualTo("one");
        fileIo.overwrite("t/_icedb/properties.json", "two, longer".getBytes(UTF_8));
        assertThat(new String(fileIo.read("t/_icedb/properties.json"), UTF_8)).isEqualTo("two, longer");
        assertThat(fileIo.size("t/_icedb/properties.json")).isEqualTo("two, longer".length());
        assertThat(fileIo.list("t/")).extracting(FileEntry::key).containsExactly("t/_icedb/properties.json");
    }

    @Test
    void testDelete()
            throws Exception
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        fileIo.delete("never/existed.parquet");
        fileIo.createExclusive("t/_data/x.parquet", new byte[] {1, 2, 3});
        fileIo.delete("t/_data/x.parquet");
        assertThatThrownBy(() -> fileIo.read("t/_data/x.parquet")).isInstanceOf(NoSuchFileException.class);
        fileIo.delete("t/_data/x.parquet");
        fileIo.createExclusive("t/_data/y.parquet", new byte[] {1});
        fileIo.createExclusive("t/_data/z.parquet", new byte[] {2});
        fileIo.deleteAll(List.of("t/_data/y.parquet", "t/_data/z.parquet", "t/_data/missing.parquet"));
        assertThat(fileIo.list("t/")).isEmpty();
    }

    @Test
    void testListUsesPlainStringPrefixes()
            throws Exception
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        fileIo.createExclusive("t/_log/1_a.jsonl", new byte[] {1});
        fileIo.createExclusive("t/_log/nested/2_b.jsonl", new byte[] {1, 2});
        fileIo.createExclusive("t/_logs/3_c.jsonl", new byte[] {1});
        fileIo.createExclusive("t/_log.jsonl", new byte[] {1});
        fileIo.createExclusive("t/_data/p=1/x.parquet", new byte[] {1});
        fileIo.createExclusive("tt/_log/4_d.jsonl", new byte[] {1});

        assertThat(keys(fileIo, "t/_log/")).containsExactlyInAnyOrder("t/_log/1_a.jsonl", "t/_log/nested/2_b.jsonl");
        assertThat(keys(fileIo, "t/_log")).containsExactlyInAnyOrder("t/_log/1_a.jsonl", "t/_log/nested/2_b.jsonl", "t/_logs/3_c.jsonl", "t/_log.jsonl");
        assertThat(keys(fileIo, "t/_lo")).containsExactlyInAnyOrder("t/_log/1_a.jsonl", "t/_log/nested/2_b.jsonl", "t/_logs/3_c.jsonl", "t/_log.jsonl");
        assertThat(keys(fileIo, "t/_log/1")).containsExactly("t/_log/1_a.jsonl");
        assertThat(keys(fileIo, "t/_log/1_a.jsonl")).containsExactly("t/_log/1_a.jsonl");
        assertThat(keys(fileIo, "t")).hasSize(6);
        assertThat(keys(fileIo, "t/")).hasSize(5);
        assertThat(keys(fileIo, "")).hasSize(6);
        assertThat(keys(fileIo, "missing/")).isEmpty();
        assertThat(keys(fileIo, "t/_log/1_a.jsonl/")).isEmpty();

        FileEntry entry = fileIo.list("t/_log/nested/").getFirst();
        assertThat(entry.size()).isEqualTo(2);
        assertThat(entry.lastModifiedMillis()).isPositive();
    }

    @Test
    void testKeysMustStayInsideTheRoot()
            throws Exception
    {
        Path inside = root.resolve("inside");
        Files.createDirectories(inside);
        Files.writeString(root.resolve("secret.txt"), "secret");
        LocalFileIo fileIo = new LocalFileIo(inside);
        assertThatThrownBy(() -> fileIo.read("../secret.txt")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("..");
        assertThatThrownBy(() -> fileIo.read("a/../../secret.txt")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> fileIo.createExclusive("../x", new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> fileIo.overwrite("a/../../x", new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> fileIo.delete("../secret.txt")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> fileIo.size("../secret.txt")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> fileIo.list("../")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> fileIo.read("/etc/passwd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> fileIo.read("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> fileIo.createExclusive(LocalFileIo.TEMP_DIRECTORY + "/x", new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThat(Files.readString(root.resolve("secret.txt"))).isEqualTo("secret");
    }

    @Test
    void testMissingObjects()
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        assertThatThrownBy(() -> fileIo.read("t/_log/1_a.jsonl")).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> fileIo.size("t/_log/1_a.jsonl")).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void testDirectoriesAreNotObjects()
            throws Exception
    {
        LocalFileIo fileIo = new LocalFileIo(root);
        fileIo.createExclusive("t/_data/x.parquet", new byte[] {1});
        assertThatThrownBy(() -> fileIo.size("t/_data")).isInstanceOf(NoSuchFileException.class);
        assertThat(keys(fileIo, "t/_data")).containsExactly("t/_data/x.parquet");
    }

    private static List<String> keys(LocalFileIo fileIo, String prefix)
            throws Exception
    {
        return fileIo.list(prefix).stream().map(FileEntry::key).toList();
    }

    private static boolean allEqual(byte[] content)
    {
        for (byte value : content) {
            if (value != content[0]) {
                return false;
            }
        }
        return true;
    }
}
