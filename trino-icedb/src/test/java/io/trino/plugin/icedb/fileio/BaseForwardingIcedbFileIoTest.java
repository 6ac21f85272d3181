package io.trino.plugin.icedb.fileio;

import io.icedb.engine.io.FileEntry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract of the engine's {@code IcedbFileIo} on a Trino file system.
 */
public abstract class BaseForwardingIcedbFileIoTest
{
    protected abstract ForwardingIcedbFileIo fileIo();

    private static String uniquePrefix()
    {
        return "contract-" + UUID.randomUUID() + "/";
    }

    @Test
    public void testWriteReadListDelete()
            throws Exception
    {
        ForwardingIcedbFileIo fileIo = fileIo();
        String prefix = uniquePrefix();
        fileIo.overwrite(prefix + "t/_log/1_a.jsonl", bytes("one"));
        fileIo.overwrite(prefix + "t/_log/2_b.jsonl", bytes("two!"));
        fileIo.overwrite(prefix + "t/_logs_not/x", bytes("x"));
        fileIo.overwrite(prefix + "t/_data/p=1/part.parquet", bytes("data"));

        assertThat(fileIo.read(prefix + "t/_log/2_b.jsonl")).isEqualTo(bytes("two!"));
        assertThat(fileIo.size(prefix + "t/_log/2_b.jsonl")).isEqualTo(4);
        assertThat(fileIo.list(prefix + "t/_log/").stream().map(FileEntry::key))
                .containsExactlyInAnyOrder(prefix + "t/_log/1_a.jsonl", prefix + "t/_log/2_b.jsonl");
        // a plain string prefix, not only a directory
        assertThat(fileIo.list(prefix + "t/_log").stream().map(FileEntry::key))
                .containsExactlyInAnyOrder(prefix + "t/_log/1_a.jsonl", prefix + "t/_log/2_b.jsonl", prefix + "t/_logs_not/x");
        assertThat(fileIo.list(prefix + "t/_data/").getFirst().size()).isEqualTo(4);
        assertThat(fileIo.list(prefix + "missing/")).isEmpty();

        fileIo.overwrite(prefix + "t/_log/2_b.jsonl", bytes("2"));
        assertThat(fileIo.read(prefix + "t/_log/2_b.jsonl")).isEqualTo(bytes("2"));

        fileIo.delete(prefix + "t/_log/2_b.jsonl");
        fileIo.delete(prefix + "t/_log/2_b.jsonl");
        assertThatThrownBy(() -> fileIo.read(prefix + "t/_log/2_b.jsonl")).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> fileIo.size(prefix + "t/_log/2_b.jsonl")).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    public void testCreateExclusive()
            throws Exception
    {
        ForwardingIcedbFileIo fileIo = fileIo();
        String key = uniquePrefix() + "t/_log/1000_w.jsonl";
        fileIo.createExclusive(key, bytes("first"));
        assertThatThrownBy(() -> fileIo.createExclusive(key, bytes("second"))).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(fileIo.read(key)).isEqualTo(bytes("first"));
    }

    @Test
    public void testCreateExclusiveRaceHasOneWinner()
            throws Exception
    {
        ForwardingIcedbFileIo fileIo = fileIo();
        ExecutorService executor = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 5; round++) {
                String key = uniquePrefix() + "t/_log/1000_w.jsonl";
                List<Future<Boolean>> attempts = new ArrayList<>();
                for (int writer = 0; writer < 8; writer++) {
                    byte[] content = bytes("writer " + writer);
                    Callable<Boolean> attempt = () -> {
                        try {
                            fileIo.createExclusive(key, content);
                            return true;
                        }
                        catch (FileAlreadyExistsException _) {
                            return false;
                        }
                    };
                    attempts.add(executor.submit(attempt));
                }
                int winners = 0;
                for (Future<Boolean> attempt : attempts) {
                    winners += attempt.get() ? 1 : 0;
                }
                assertThat(winners).isEqualTo(1);
                assertThat(new String(fileIo.read(key), StandardCharsets.UTF_8)).startsWith("writer ");
            }
        }
        finally {
            executor.shutdownNow();
        }
    }

    private static byte[] bytes(String value)
    {
        return value.getBytes(UTF_8);
    }
}
