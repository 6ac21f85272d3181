package io.trino.plugin.icedb.reader;

import com.google.inject.Inject;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.PartitionPath;
import io.trino.plugin.icedb.IcedbColumnHandle;
import io.trino.plugin.icedb.IcedbPageSourceProvider;
import io.trino.plugin.icedb.IcedbSplit;
import io.trino.plugin.icedb.IcedbTableLocation;
import io.trino.plugin.icedb.layout.IcedbSortField;
import io.trino.plugin.icedb.mergeengine.IcedbKeyCombiner;
import io.trino.plugin.icedb.mergeengine.IcedbMergeEngine;
import io.trino.plugin.icedb.mergeengine.IcedbMergeSplit;
import io.trino.spi.Page;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorPageSource;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.connector.SourcePage;
import io.trino.spi.predicate.TupleDomain;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * Reads every row of a part on the node that rewrites it (the coordinator's {@code CALL merge}, later copy-on-write
 * DML): the same Parquet reading as queries, by column name, NULL for a column the part lacks, without a split of the
 * engine's scheduling.
 */
public final class IcedbPartReader
{
    private final IcedbPageSourceProvider pageSourceProvider;

    @Inject
    public IcedbPartReader(IcedbPageSourceProvider pageSourceProvider)
    {
        this.pageSourceProvider = requireNonNull(pageSourceProvider, "pageSourceProvider is null");
    }

    /**
     * Hands every non-empty page of the part, in file order, to {@code consumer}.
     *
     * @param columns the columns to read, in page channel order
     */
    public void read(ConnectorSession session, SchemaTableName table, IcedbTableLocation location, FileMarker part, List<IcedbColumnHandle> columns, Consumer<Page> consumer)
    {
        IcedbSplit split = split(location, part);
        try (ConnectorPageSource source = pageSourceProvider.createPageSource(session, table, split, columns, TupleDomain.all())) {
            while (!source.isFinished()) {
                SourcePage page = source.getNextSourcePage();
                if (page != null && page.getPositionCount() > 0) {
                    consumer.accept(page.getPage());
                }
            }
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to close part %s of table %s", part.path(), location), e);
        }
    }

    /**
     * The rows of a partition of a table with a merge engine, one per key, in key order: the streaming k-way merge of
     * merge on read over {@code parts}.
     *
     * @param parts the partition's parts, in commit order
     * @param columns the columns to read, in page channel order; they include the engine's key and version columns
     */
    public ConnectorPageSource mergeOnRead(
            ConnectorSession session,
            SchemaTableName table,
            IcedbTableLocation location,
            String partition,
            List<FileMarker> parts,
            IcedbMergeEngine engine,
            List<IcedbSortField> keyOrder,
            List<IcedbColumnHandle> columns)
    {
        List<IcedbColumnHandle> engineColumns = IcedbKeyCombiner.requiredColumns(engine).stream()
                .map(name -> columns.stream()
                        .filter(column -> column.name().equals(name))
                        .findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("Merge engine column '%s' is not among the columns read".formatted(name))))
                .collect(toImmutableList());
        IcedbMergeSplit split = new IcedbMergeSplit(partition, parts.stream().map(part -> split(location, part)).collect(toImmutableList()), engine, engineColumns, keyOrder);
        return pageSourceProvider.createMergeOnReadPageSource(session, table, split, columns, TupleDomain.all());
    }

    private static IcedbSplit split(IcedbTableLocation location, FileMarker part)
    {
        return new IcedbSplit(location.root() + part.path(), 0, Long.MAX_VALUE, part.bytes(), PartitionPath.partitionOf(location.prefix(), part.path()), part.createdMillis());
    }
}
