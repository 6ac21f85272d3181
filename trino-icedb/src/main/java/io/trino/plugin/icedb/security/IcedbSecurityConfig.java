package io.trino.plugin.icedb.security;

import io.airlift.configuration.Config;
import io.airlift.configuration.ConfigDescription;
import jakarta.validation.constraints.NotNull;

/**
 * {@code icedb.security}, as the Iceberg connector's {@code iceberg.security}: {@code ALLOW_ALL} (the default; the
 * system access control decides), {@code READ_ONLY} (reads only), {@code FILE} (Trino's file-based access control
 * rules for the catalog, {@code security.config-file}).
 */
public class IcedbSecurityConfig
{
    public enum IcedbSecurity
    {
        ALLOW_ALL,
        READ_ONLY,
        FILE,
    }

    private IcedbSecurity securitySystem = IcedbSecurity.ALLOW_ALL;

    @NotNull
    public IcedbSecurity getSecuritySystem()
    {
        return securitySystem;
    }

    @Config("icedb.security")
    @ConfigDescription("Authorization checks of the catalog: ALLOW_ALL, READ_ONLY or FILE (security.config-file)")
    public IcedbSecurityConfig setSecuritySystem(IcedbSecurity securitySystem)
    {
        this.securitySystem = securitySystem;
        return this;
    }
}
