package io.trino.plugin.icedb.fileio;

import java.nio.file.Path;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The directory that Trino's local file system ({@code fs.native-local.enabled}) maps {@code local:///} to, when enabled:
 * needed for an exclusive create, which Trino 476's local file system does not implement.
 */
public record LocalStorageRoot(Optional<Path> directory)
{
    public LocalStorageRoot
    {
        requireNonNull(directory, "directory is null");
    }
}
