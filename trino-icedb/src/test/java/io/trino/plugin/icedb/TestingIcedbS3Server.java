package io.trino.plugin.icedb;

import io.opentelemetry.api.OpenTelemetry;
import io.trino.filesystem.s3.S3FileSystemConfig;
import io.trino.filesystem.s3.S3FileSystemFactory;
import io.trino.filesystem.s3.S3FileSystemStats;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static com.google.common.collect.ImmutableList.toImmutableList;

/**
 * An S3 server in the JVM (s3proxy 4.1.0 on a transient store, which honours conditional creates), wired as
 * {@code /work/shared/TESTING_S3.md} describes.
 */
public final class TestingIcedbS3Server
        implements AutoCloseable
{
    public static final String ACCESS_KEY = "icedb-access";
    public static final String SECRET_KEY = "icedb-secret";
    public static final String REGION = "us-east-1";

    private final RecordingBlobStore blobStore = new RecordingBlobStore(new TransientNio2BlobStore());
    private final S3Proxy proxy;
    private final S3Client client;
    private final String endpoint;

    public TestingIcedbS3Server()
    {
        proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .ignoreUnknownHeaders(true)
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!proxy.getState().equals("STARTED")) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
                }
                Thread.sleep(10);
            }
        }
        catch (Exception e) {
            throw new IllegalStateException("Failed to start s3proxy", e);
        }
        endpoint = "http://127.0.0.1:" + proxy.getPort();
        client = S3Client.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.of(REGION))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    /**
     * Every object access since the server started, as {@code "GET bucket/key"},
     * {@code "HEAD …"}, {@code "PUT …"}, {@code "COPY …"} or {@code "DELETE …"}.
     */
    public List<String> accesses()
    {
        return blobStore.accesses();
    }

    public String endpoint()
    {
        return endpoint;
    }

    public S3Client client()
    {
        return client;
    }

    /**
     * Trino's native S3 file system on this server, built directly (outside a catalog), with exclusive creates; the
     * caller destroys it.
     */
    public S3FileSystemFactory fileSystemFactory()
    {
        S3FileSystemConfig config = new S3FileSystemConfig()
                .setEndpoint(endpoint)
                .setRegion(REGION)
                .setPathStyleAccess(true)
                .setAwsAccessKey(ACCESS_KEY)
                .setAwsSecretKey(SECRET_KEY)
                .setSupportsExclusiveCreate(true);
        return new S3FileSystemFactory(OpenTelemetry.noop(), config, new S3FileSystemStats());
    }

    /**
     * The catalog properties that make Trino's native S3 file system use this server.
     */
    public Map<String, String> catalogProperties()
    {
        return Map.of(
                "fs.native-s3.enabled", "true",
                "s3.endpoint", endpoint,
                "s3.region", REGION,
                "s3.path-style-access", "true",
                "s3.aws-access-key", ACCESS_KEY,
                "s3.aws-secret-key", SECRET_KEY);
    }

    public void createBucket(String bucket)
    {
        client.createBucket(request -> request.bucket(bucket));
    }

    /**
     * Uploads every file under {@code directory} to {@code bucket}, its key the file's path relative to {@code directory}.
     */
    public void uploadDirectory(Path directory, String bucket)
    {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(Files::isRegularFile).collect(toImmutableList());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path file : files) {
            String key = directory.relativize(file).toString().replace('\\', '/');
            client.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromFile(file));
        }
    }

    public void putObject(String bucket, String key, byte[] content)
    {
        client.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromBytes(content));
    }

    public void deleteObject(String bucket, String key)
    {
        client.deleteObject(request -> request.bucket(bucket).key(key));
    }

    public List<String> listKeys(String bucket, String prefix)
    {
        return client.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix)).contents().stream()
                .map(object -> object.key())
                .collect(toImmutableList());
    }

    @Override
    public void close()
            throws Exception
    {
        client.close();
        proxy.stop();
    }
}
