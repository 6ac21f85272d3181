package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableMap;
import io.airlift.units.DataSize;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.airlift.configuration.testing.ConfigAssertions.assertFullMapping;
import static io.airlift.configuration.testing.ConfigAssertions.assertRecordedDefaults;
import static io.airlift.configuration.testing.ConfigAssertions.recordDefaults;
import static io.airlift.units.DataSize.Unit.MEGABYTE;

public class TestIcedbWriterConfig
{
    @Test
    public void testDefaults()
    {
        assertRecordedDefaults(recordDefaults(IcedbWriterConfig.class)
                .setTargetFileSize(DataSize.of(128, MEGABYTE))
                .setSortBufferSize(DataSize.of(64, MEGABYTE))
                .setMaxPartitionsPerWriter(100));
    }

    @Test
    public void testExplicitPropertyMappings()
    {
        Map<String, String> properties = ImmutableMap.<String, String>builder()
                .put("icedb.target-file-size", "16MB")
                .put("icedb.sort-buffer-size", "4MB")
                .put("icedb.max-partitions-per-writer", "7")
                .buildOrThrow();

        IcedbWriterConfig expected = new IcedbWriterConfig()
                .setTargetFileSize(DataSize.of(16, MEGABYTE))
                .setSortBufferSize(DataSize.of(4, MEGABYTE))
                .setMaxPartitionsPerWriter(7);

        assertFullMapping(properties, expected);
    }
}
