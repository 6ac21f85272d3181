package io.trino.plugin.icedb;

import com.google.inject.Inject;
import io.airlift.json.JsonCodec;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.plugin.icedb.catalog.IcedbCatalog;
import io.trino.plugin.icedb.maintenance.IcedbMaintenance;

import static java.util.Objects.requireNonNull;

public final class IcedbMetadataFactory
{
    private final IcedbCatalog catalog;
    private final IcedbSnapshotLoader snapshotLoader;
    private final IcedbTypeMapping typeMapping;
    private final IcedbWriteOperations writeOperations;
    private final IcedbMaintenance maintenance;
    private final TrinoFileSystemFactory fileSystemFactory;
    private final JsonCodec<IcedbWrittenPart> partCodec;

    @Inject
    public IcedbMetadataFactory(IcedbCatalog catalog, IcedbSnapshotLoader snapshotLoader, IcedbTypeMapping typeMapping, IcedbWriteOperations writeOperations, IcedbMaintenance maintenance, TrinoFileSystemFactory fileSystemFactory, JsonCodec<IcedbWrittenPart> partCodec)
    {
        this.fileSystemFactory = requireNonNull(fileSystemFactory, "fileSystemFactory is null");
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
        this.partCodec = requireNonNull(partCodec, "partCodec is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.snapshotLoader = requireNonNull(snapshotLoader, "snapshotLoader is null");
        this.typeMapping = requireNonNull(typeMapping, "typeMapping is null");
        this.writeOperations = requireNonNull(writeOperations, "writeOperations is null");
    }

    public IcedbMetadata create()
    {
        return new IcedbMetadata(catalog, snapshotLoader, typeMapping, writeOperations, maintenance, fileSystemFactory, partCodec);
    }
}
