package io.trino.plugin.icedb.fileio;

import io.trino.filesystem.s3.S3FileSystemFactory;
import io.trino.plugin.icedb.TestingIcedbS3Server;
import io.trino.spi.security.ConnectorIdentity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

import java.util.Optional;

import static org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS;

@TestInstance(PER_CLASS)
public class TestForwardingIcedbFileIoOnS3
        extends BaseForwardingIcedbFileIoTest
{
    private final TestingIcedbS3Server server;
    private final S3FileSystemFactory fileSystemFactory;
    private final ForwardingIcedbFileIo fileIo;

    public TestForwardingIcedbFileIoOnS3()
    {
        server = new TestingIcedbS3Server();
        server.createBucket("contract");
        fileSystemFactory = server.fileSystemFactory();
        fileIo = new ForwardingIcedbFileIo(fileSystemFactory.create(ConnectorIdentity.ofUser("test")), "s3://contract/", Optional.empty());
    }

    @AfterAll
    public void tearDown()
            throws Exception
    {
        fileSystemFactory.destroy();
        server.close();
    }

    @Override
    protected ForwardingIcedbFileIo fileIo()
    {
        return fileIo;
    }
}
