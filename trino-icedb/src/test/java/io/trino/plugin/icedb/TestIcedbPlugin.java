package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableMap;
import io.trino.spi.connector.Connector;
import io.trino.spi.connector.ConnectorFactory;
import io.trino.testing.TestingConnectorContext;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static com.google.common.collect.Iterables.getOnlyElement;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class TestIcedbPlugin
{
    @Test
    public void testCreateConnectorWithTrinoFileSystemKeys()
            throws Exception
    {
        Path root = Files.createTempDirectory("icedb-plugin");
        ConnectorFactory factory = getOnlyElement(new IcedbPlugin().getConnectorFactories());
        assertThat(factory.getName()).isEqualTo("icedb");
        Connector connector = factory.create(
                "test",
                ImmutableMap.of(
                        "icedb.warehouse", "local:///",
                        "fs.native-local.enabled", "true",
                        "local.location", root.toString(),
                        "bootstrap.quiet", "true"),
                new TestingConnectorContext());
        assertThat(connector.getProcedures()).extracting(procedure -> procedure.getName()).containsExactlyInAnyOrder("register_table", "unregister_table", "merge", "cleanup", "remove_orphan_files", "rollback_to_snapshot");
        assertThat(connector.getTableProcedures()).extracting(procedure -> procedure.getName()).containsExactlyInAnyOrder("MERGE", "CLEANUP", "REMOVE_ORPHAN_FILES", "OPTIMIZE", "EXPIRE_SNAPSHOTS", "DROP_EXTENDED_STATS");
        assertThat(connector.getAnalyzeProperties()).extracting(property -> property.getName()).containsExactly("columns");
        connector.shutdown();

        connector = factory.create(
                "test",
                ImmutableMap.of(
                        "icedb.warehouse", "s3://bucket/warehouse",
                        "fs.native-s3.enabled", "true",
                        "s3.endpoint", "http://127.0.0.1:9000",
                        "s3.region", "us-east-1",
                        "s3.path-style-access", "true",
                        "s3.aws-access-key", "access",
                        "s3.aws-secret-key", "secret",
                        "bootstrap.quiet", "true"),
                new TestingConnectorContext());
        connector.shutdown();
    }

    @Test
    public void testWarehouseIsRequired()
    {
        ConnectorFactory factory = getOnlyElement(new IcedbPlugin().getConnectorFactories());
        assertThatThrownBy(() -> factory.create("test", ImmutableMap.of("bootstrap.quiet", "true"), new TestingConnectorContext()))
                .hasMessageContaining("icedb.warehouse")
                .hasMessageContaining("must not be null");
    }

    @Test
    public void testUnknownPropertyIsRejected()
    {
        ConnectorFactory factory = getOnlyElement(new IcedbPlugin().getConnectorFactories());
        assertThatThrownBy(() -> factory.create(
                "test",
                ImmutableMap.of("icedb.warehouse", "local:///", "fs.native-local.enabled", "true", "icedb.no-such-key", "x", "bootstrap.quiet", "true"),
                new TestingConnectorContext()))
                .hasMessageContaining("Configuration property 'icedb.no-such-key' was not used");
    }
}
