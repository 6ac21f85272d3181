package io.trino.plugin.icedb.security;

import com.google.common.collect.ImmutableMap;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.airlift.configuration.testing.ConfigAssertions.assertFullMapping;
import static io.airlift.configuration.testing.ConfigAssertions.assertRecordedDefaults;
import static io.airlift.configuration.testing.ConfigAssertions.recordDefaults;
import static io.trino.plugin.icedb.security.IcedbSecurityConfig.IcedbSecurity.ALLOW_ALL;
import static io.trino.plugin.icedb.security.IcedbSecurityConfig.IcedbSecurity.READ_ONLY;

public class TestIcedbSecurityConfig
{
    @Test
    public void testDefaults()
    {
        assertRecordedDefaults(recordDefaults(IcedbSecurityConfig.class)
                .setSecuritySystem(ALLOW_ALL));
    }

    @Test
    public void testExplicitPropertyMappings()
    {
        Map<String, String> properties = ImmutableMap.of("icedb.security", "read_only");
        assertFullMapping(properties, new IcedbSecurityConfig().setSecuritySystem(READ_ONLY));
    }
}
