package io.trino.plugin.icedb;

import com.google.inject.Inject;
import io.trino.plugin.icedb.catalog.IcedbCatalog;

import static java.util.Objects.requireNonNull;

public final class IcedbMetadataFactory
{
    private final IcedbCatalog catalog;
    private final IcedbSnapshotLoader snapshotLoader;
    private final IcedbTypeMapping typeMapping;
    private final IcedbWriteOperations writeOperations;

    @Inject
    public IcedbMetadataFactory(IcedbCatalog catalog, IcedbSnapshotLoader snapshotLoader, IcedbTypeMapping typeMapping, IcedbWriteOperations writeOperations)
    {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.snapshotLoader = requireNonNull(snapshotLoader, "snapshotLoader is null");
        this.typeMapping = requireNonNull(typeMapping, "typeMapping is null");
        this.writeOperations = requireNonNull(writeOperations, "writeOperations is null");
    }

    public IcedbMetadata create()
    {
        return new IcedbMetadata(catalog, snapshotLoader, typeMapping, writeOperations);
    }
}
