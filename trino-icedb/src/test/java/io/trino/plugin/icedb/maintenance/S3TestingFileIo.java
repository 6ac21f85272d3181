package io.trino.plugin.icedb.maintenance;

import io.icedb.engine.io.FileEntry;
import io.icedb.engine.io.IcedbFileIo;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.List;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static java.util.Objects.requireNonNull;

/**
 * The engine's storage over one bucket of the test S3 server, through the AWS SDK (not Trino): lets a test act as
 * another process on the same table, e.g. hold its maintenance lease.
 */
public final class S3TestingFileIo
        implements IcedbFileIo
{
    private static final int PRECONDITION_FAILED = 412;
    private static final int NOT_FOUND = 404;

    private final S3Client client;
    private final String bucket;

    public S3TestingFileIo(S3Client client, String bucket)
    {
        this.client = requireNonNull(client, "client is null");
        this.bucket = requireNonNull(bucket, "bucket is null");
    }

    @Override
    public List<FileEntry> list(String prefix)
    {
        return client.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix)).contents().stream()
                .map(object -> new FileEntry(object.key(), object.size(), object.lastModified().toEpochMilli()))
                .collect(toImmutableList());
    }

    @Override
    public byte[] read(String key)
            throws IOException
    {
        try {
            return client.getObjectAsBytes(request -> request.bucket(bucket).key(key)).asByteArray();
        }
        catch (NoSuchKeyException e) {
            throw new NoSuchFileException(key);
        }
    }

    @Override
    public void createExclusive(String key, byte[] data)
            throws IOException
    {
        try {
            client.putObject(request -> request.bucket(bucket).key(key).ifNoneMatch("*"), RequestBody.fromBytes(data));
        }
        catch (S3Exception e) {
            if (e.statusCode() == PRECONDITION_FAILED) {
                throw new FileAlreadyExistsException(key);
            }
            throw new IOException(e);
        }
    }

    @Override
    public void overwrite(String key, byte[] data)
    {
        client.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromBytes(data));
    }

    @Override
    public void delete(String key)
    {
        client.deleteObject(request -> request.bucket(bucket).key(key));
    }

    @Override
    public long size(String key)
            throws IOException
    {
        try {
            return client.headObject(request -> request.bucket(bucket).key(key)).contentLength();
        }
        catch (S3Exception e) {
            if (e.statusCode() == NOT_FOUND) {
                throw new NoSuchFileException(key);
            }
            throw new IOException(e);
        }
    }
}
