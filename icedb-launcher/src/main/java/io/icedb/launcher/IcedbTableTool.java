package io.icedb.launcher;

import io.icedb.engine.cli.IcedbCli;
import io.icedb.engine.cli.TableStorage;
import io.icedb.engine.io.IcedbFileIo;
import io.opentelemetry.api.OpenTelemetry;
import io.trino.filesystem.s3.S3FileSystemConfig;
import io.trino.filesystem.s3.S3FileSystemFactory;
import io.trino.filesystem.s3.S3FileSystemStats;
import io.trino.plugin.icedb.fileio.ForwardingIcedbFileIo;
import io.trino.spi.security.ConnectorIdentity;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * {@code ./icedb inspect} and {@code ./icedb files} on any root: {@code s3://bucket} through Trino's native S3 file
 * system (the connector's storage adapter), a local directory through the engine.
 * S3 options as for {@code ./icedb sql}; the secret key comes only from {@code AWS_SECRET_ACCESS_KEY}.
 */
public final class IcedbTableTool
{
    private IcedbTableTool() {}

    public static void main(String[] args)
    {
        PrintStream out = new PrintStream(System.out, false, UTF_8);
        int status = run(args, System.getenv(), out, System.err);
        out.flush();
        System.exit(status);
    }

    public static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err)
    {
        S3Options s3;
        List<String> rest = new ArrayList<>();
        try {
            s3 = S3Options.parse(args, environment, rest);
        }
        catch (IllegalArgumentException e) {
            err.println("icedb: " + e.getMessage());
            return 1;
        }
        return IcedbCli.run(rest.toArray(String[]::new), out, err, root -> root.startsWith("s3://") ? openS3(root, s3) : IcedbCli.openLocal(root));
    }

    static TableStorage openS3(String root, S3Options s3)
    {
        String bucket = root.substring("s3://".length());
        while (bucket.endsWith("/")) {
            bucket = bucket.substring(0, bucket.length() - 1);
        }
        if (bucket.isEmpty() || bucket.contains("/")) {
            throw new IllegalArgumentException("The root '%s' must be a bucket, s3://<bucket>: the rest of the key goes in the table prefix (keys in the logs are relative to the bucket)".formatted(root));
        }
        S3FileSystemConfig config = new S3FileSystemConfig()
                .setRegion(s3.region().orElse("us-east-1"))
                .setPathStyleAccess(s3.pathStyleAccess().orElse(s3.endpoint().isPresent()));
        s3.endpoint().ifPresent(config::setEndpoint);
        s3.accessKey().ifPresent(config::setAwsAccessKey);
        s3.secretKey().ifPresent(config::setAwsSecretKey);
        S3FileSystemFactory factory = new S3FileSystemFactory(OpenTelemetry.noop(), config, new S3FileSystemStats());
        String location = "s3://" + bucket + "/";
        ForwardingIcedbFileIo fileIo = new ForwardingIcedbFileIo(factory.create(ConnectorIdentity.ofUser("icedb")), location, Optional.empty());
        return new TableStorage()
        {
            @Override
            public IcedbFileIo fileIo()
            {
                return fileIo;
            }

            @Override
            public String pathOf(String key)
            {
                return location + key;
            }

            @Override
            public void close()
            {
                factory.destroy();
            }
        };
    }
}
