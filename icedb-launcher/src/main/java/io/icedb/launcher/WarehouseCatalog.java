package io.icedb.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code icedb} catalog properties for a warehouse given as a local directory or an {@code s3://} URI.
 * A local directory plays the bucket: keys in its logs are relative to it.
 */
final class WarehouseCatalog
{
    private WarehouseCatalog() {}

    static Map<String, String> properties(LauncherOptions options)
    {
        String warehouse = options.warehouse();
        Map<String, String> properties = new HashMap<>();
        if (warehouse.startsWith("s3://")) {
            properties.put("icedb.warehouse", warehouse);
            properties.put("fs.native-s3.enabled", "true");
            properties.put("s3.region", "us-east-1");
            properties.putAll(options.s3Settings());
            if (properties.containsKey("s3.endpoint")) {
                properties.putIfAbsent("s3.path-style-access", "true");
            }
            return properties;
        }
        if (warehouse.contains("://")) {
            throw new IllegalArgumentException("warehouse must be a local directory or an s3:// URI: " + warehouse);
        }
        Path directory = Path.of(warehouse).toAbsolutePath().normalize();
        try {
            Files.createDirectories(directory);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot create warehouse directory " + directory, e);
        }
        properties.put("icedb.warehouse", "local:///");
        properties.put("fs.native-local.enabled", "true");
        properties.put("local.location", directory.toString());
        return properties;
    }
}
