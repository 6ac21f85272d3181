package io.trino.plugin.icedb.fileio;

import com.google.inject.Inject;
import io.icedb.engine.io.IcedbFileIo;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.plugin.icedb.IcedbTableLocation;
import io.trino.spi.security.ConnectorIdentity;

import static java.util.Objects.requireNonNull;

public final class IcedbFileIoFactory
{
    private final TrinoFileSystemFactory fileSystemFactory;
    private final LocalStorageRoot localStorageRoot;
    private final StorageErrors errors;

    @Inject
    public IcedbFileIoFactory(TrinoFileSystemFactory fileSystemFactory, LocalStorageRoot localStorageRoot, StorageErrors errors)
    {
        this.errors = requireNonNull(errors, "errors is null");
        this.fileSystemFactory = requireNonNull(fileSystemFactory, "fileSystemFactory is null");
        this.localStorageRoot = requireNonNull(localStorageRoot, "localStorageRoot is null");
    }

    /**
     * Describes storage errors with their cause and endpoint, secrets masked.
     */
    public StorageErrors errors()
    {
        return errors;
    }

    /**
     * Storage addressed by keys relative to the root of {@code location}.
     */
    public IcedbFileIo create(ConnectorIdentity identity, IcedbTableLocation location)
    {
        return new ForwardingIcedbFileIo(fileSystemFactory.create(identity), location.root(), localStorageRoot.directory(), errors);
    }
}
