package io.trino.plugin.icedb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static com.google.common.collect.ImmutableList.toImmutableList;

/**
 * The tables the Python IceDB library wrote ({@code fixtures/python-icedb}) and what they must read as.
 */
public final class IcedbFixtures
{
    public static final String BUCKET = "warehouse";
    public static final String PRE_CLEANUP_BUCKET = "warehouse-snap-pre-cleanup";
    public static final List<String> TABLES = List.of("readme", "many_inserts_merge_cleanup", "types", "schema_evolution", "custom_merge");

    private static final ObjectMapper OBJECT_MAPPER = new ObjectMapper();

    private IcedbFixtures() {}

    public static Path fixturesDirectory()
    {
        String property = System.getProperty("icedb.fixtures.dir");
        return (property != null ? Path.of(property) : Path.of("../../shared/fixtures/python-icedb")).toAbsolutePath().normalize();
    }

    /**
     * The directory that plays bucket {@code bucket}.
     */
    public static Path bucketDirectory(String bucket)
    {
        return fixturesDirectory().resolve(bucket);
    }

    public static JsonNode expectations(String table)
    {
        try {
            return OBJECT_MAPPER.readTree(fixturesDirectory().resolve("_expectations").resolve(table + ".json").toFile());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Copies the bucket directory {@code bucket} into {@code target}, so tests can add to it without touching the fixtures.
     */
    public static void copyBucket(String bucket, Path target)
    {
        Path source = bucketDirectory(bucket);
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(source)) {
            paths = walk.collect(toImmutableList());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            for (Path path : paths) {
                Path destination = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(destination);
                }
                else {
                    Files.copy(path, destination);
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
