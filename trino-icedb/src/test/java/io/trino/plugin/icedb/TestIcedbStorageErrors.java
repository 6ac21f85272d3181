package io.trino.plugin.icedb;

import com.google.common.base.Throwables;
import io.trino.testing.AbstractTestQueryFramework;
import io.trino.testing.QueryRunner;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * An unreachable S3 endpoint: the error names what failed, the root cause and the endpoint, and never the catalog's
 * secret (issue 11, case 6).
 */
public class TestIcedbStorageErrors
        extends AbstractTestQueryFramework
{
    private static final String SECRET_KEY = "secret-key-that-must-not-leak-7f3a";
    private static final String ACCESS_KEY = "access-key-that-must-not-leak-19bc";

    private String endpoint;

    @Override
    protected QueryRunner createQueryRunner()
            throws Exception
    {
        // a port nobody listens on
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        endpoint = "http://127.0.0.1:" + port;
        return IcedbQueryRunner.builder()
                .addIcedbProperties(Map.of(
                        "fs.native-s3.enabled", "true",
                        "s3.endpoint", endpoint,
                        "s3.region", "us-east-1",
                        "s3.path-style-access", "true",
                        "s3.max-error-retries", "1",
                        "s3.aws-access-key", ACCESS_KEY,
                        "s3.aws-secret-key", SECRET_KEY))
                .addIcedbProperty("icedb.warehouse", "s3://unreachable/warehouse")
                .build();
    }

    @Test
    public void testUnreachableEndpointNamesTheEndpointAndTheCause()
            throws IOException
    {
        Throwable failure = catchThrowable(() -> computeActual("SHOW SCHEMAS FROM icedb"));
        assertThat(failure).isNotNull();
        assertThat(failure.getMessage())
                .contains("Failed to list s3://unreachable/warehouse")
                .contains("(endpoint " + endpoint + ")")
                // the root cause: the refused connection, by its exception class
                .containsPattern(": [A-Za-z]+(Exception|Error): ");
        assertThat(query("SELECT * FROM icedb.s.t")).failure().hasErrorCode(ICEDB_FILESYSTEM_ERROR);
        String everything = Throwables.getStackTraceAsString(failure);
        assertThat(everything).doesNotContain(SECRET_KEY).doesNotContain(ACCESS_KEY);
    }
}
