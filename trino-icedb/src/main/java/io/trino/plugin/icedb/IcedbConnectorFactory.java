package io.trino.plugin.icedb;

import com.google.inject.Injector;
import com.google.inject.Module;
import io.airlift.bootstrap.Bootstrap;
import io.airlift.json.JsonModule;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.trino.filesystem.manager.FileSystemModule;
import io.trino.plugin.base.jmx.ConnectorObjectNameGeneratorModule;
import io.trino.plugin.base.jmx.MBeanServerModule;
import io.trino.plugin.icedb.fileio.LocalStorageRoot;
import io.trino.plugin.icedb.fileio.StorageErrors;
import io.trino.plugin.icedb.security.IcedbSecurityModule;
import io.trino.spi.NodeManager;
import io.trino.spi.PageSorter;
import io.trino.spi.catalog.CatalogName;
import io.trino.spi.classloader.ThreadContextClassLoader;
import io.trino.spi.connector.CatalogHandle;
import io.trino.spi.connector.Connector;
import io.trino.spi.connector.ConnectorContext;
import io.trino.spi.connector.ConnectorFactory;
import io.trino.spi.type.TypeManager;
import org.weakref.jmx.guice.MBeanModule;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static io.trino.plugin.base.Versions.checkStrictSpiVersionMatch;
import static java.util.Objects.requireNonNull;

public final class IcedbConnectorFactory
        implements ConnectorFactory
{
    private final Optional<Module> fileSystemModule;

    public IcedbConnectorFactory()
    {
        this(Optional.empty());
    }

    /**
     * @param fileSystemModule binds the {@link io.trino.filesystem.TrinoFileSystemFactory} every storage access of the
     * connector goes through, instead of Trino's file-system module (a test hook, as the Iceberg connector's
     * {@code TestingIcebergPlugin}: the tests install a fault-injecting file system with it). The plugin never sets it.
     */
    public IcedbConnectorFactory(Optional<Module> fileSystemModule)
    {
        this.fileSystemModule = requireNonNull(fileSystemModule, "fileSystemModule is null");
    }

    @Override
    public String getName()
    {
        return "icedb";
    }

    @Override
    public Connector create(String catalogName, Map<String, String> config, ConnectorContext context)
    {
        checkStrictSpiVersionMatch(context, this);
        ClassLoader classLoader = IcedbConnectorFactory.class.getClassLoader();
        try (ThreadContextClassLoader _ = new ThreadContextClassLoader(classLoader)) {
            Bootstrap app = new Bootstrap(
                    new MBeanModule(),
                    new ConnectorObjectNameGeneratorModule("io.trino.plugin.icedb", "trino.plugin.icedb"),
                    new MBeanServerModule(),
                    new JsonModule(),
                    new IcedbModule(localStorageRoot(config), StorageErrors.fromCatalogConfig(config)),
                    new IcedbSecurityModule(),
                    fileSystemModule.orElseGet(() -> new FileSystemModule(catalogName, context.getNodeManager(), context.getOpenTelemetry(), false)),
                    binder -> {
                        binder.bind(ClassLoader.class).toInstance(classLoader);
                        binder.bind(OpenTelemetry.class).toInstance(context.getOpenTelemetry());
                        binder.bind(Tracer.class).toInstance(context.getTracer());
                        binder.bind(NodeManager.class).toInstance(context.getNodeManager());
                        binder.bind(TypeManager.class).toInstance(context.getTypeManager());
                        binder.bind(PageSorter.class).toInstance(context.getPageSorter());
                        binder.bind(CatalogHandle.class).toInstance(context.getCatalogHandle());
                        binder.bind(CatalogName.class).toInstance(new CatalogName(catalogName));
                    });

            Injector injector = app
                    .doNotInitializeLogging()
                    .setRequiredConfigurationProperties(config)
                    .initialize();

            return injector.getInstance(IcedbConnector.class);
        }
    }

    /**
     * Trino's local file system maps {@code local:///} to {@code local.location}; an exclusive create there goes
     * through java.nio, so it needs that directory too.
     */
    private static LocalStorageRoot localStorageRoot(Map<String, String> config)
    {
        if (!Boolean.parseBoolean(config.getOrDefault("fs.native-local.enabled", "false"))) {
            return new LocalStorageRoot(Optional.empty());
        }
        return new LocalStorageRoot(Optional.ofNullable(config.get("local.location")).map(Path::of));
    }
}
