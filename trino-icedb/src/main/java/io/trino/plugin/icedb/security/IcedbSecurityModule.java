package io.trino.plugin.icedb.security;

import com.google.inject.Binder;
import io.airlift.configuration.AbstractConfigurationAwareModule;
import io.trino.plugin.base.security.AllowAllSecurityModule;
import io.trino.plugin.base.security.ConnectorAccessControlModule;
import io.trino.plugin.base.security.FileBasedAccessControlModule;
import io.trino.plugin.base.security.ReadOnlySecurityModule;

/**
 * Binds the catalog's {@link io.trino.spi.connector.ConnectorAccessControl} for {@code icedb.security}, as the Iceberg
 * connector's IcebergSecurityModule does.
 */
public class IcedbSecurityModule
        extends AbstractConfigurationAwareModule
{
    @Override
    protected void setup(Binder binder)
    {
        install(new ConnectorAccessControlModule());
        install(switch (buildConfigObject(IcedbSecurityConfig.class).getSecuritySystem()) {
            case ALLOW_ALL -> new AllowAllSecurityModule();
            case READ_ONLY -> new ReadOnlySecurityModule();
            case FILE -> new FileBasedAccessControlModule();
        });
    }
}
