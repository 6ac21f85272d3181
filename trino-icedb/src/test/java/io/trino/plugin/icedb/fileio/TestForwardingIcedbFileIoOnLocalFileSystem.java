package io.trino.plugin.icedb.fileio;

import io.trino.filesystem.local.LocalFileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS;

@TestInstance(PER_CLASS)
public class TestForwardingIcedbFileIoOnLocalFileSystem
        extends BaseForwardingIcedbFileIoTest
{
    private final Path root;
    private final ForwardingIcedbFileIo fileIo;

    public TestForwardingIcedbFileIoOnLocalFileSystem()
            throws IOException
    {
        root = Files.createTempDirectory("icedb-fileio");
        fileIo = new ForwardingIcedbFileIo(new LocalFileSystem(root), "local:///", Optional.of(root));
    }

    @AfterAll
    public void tearDown()
            throws IOException
    {
        deleteRecursively(root, ALLOW_INSECURE);
    }

    @Override
    protected ForwardingIcedbFileIo fileIo()
    {
        return fileIo;
    }
}
