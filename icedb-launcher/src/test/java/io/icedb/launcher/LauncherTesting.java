package io.icedb.launcher;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

final class LauncherTesting
{
    private LauncherTesting() {}

    static Path fixtures()
    {
        String property = System.getProperty("icedb.fixtures.dir");
        Path directory = property == null ? Path.of("../../shared/fixtures/python-icedb") : Path.of(property);
        return directory.toAbsolutePath().normalize();
    }

    /**
     * The repository's root: the directory holding the {@code icedb} script.
     */
    static Path repository()
    {
        Path directory = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (directory != null && !Files.isRegularFile(directory.resolve("icedb"))) {
            directory = directory.getParent();
        }
        assertThat(directory).as("the directory holding ./icedb above " + System.getProperty("user.dir")).isNotNull();
        return directory;
    }
}
