package io.trino.plugin.icedb.stats;

import com.google.common.cache.Cache;
import com.google.common.collect.ImmutableMap;
import com.google.inject.Inject;
import io.airlift.log.Logger;
import io.airlift.stats.CounterStat;
import io.icedb.engine.Snapshot;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.stats.PartStats;
import io.icedb.engine.stats.StatsSidecar;
import io.trino.cache.EvictableCacheBuilder;
import io.trino.filesystem.Location;
import io.trino.filesystem.TrinoFileSystem;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.filesystem.TrinoInputFile;
import io.trino.parquet.ParquetDataSource;
import io.trino.parquet.ParquetReaderOptions;
import io.trino.parquet.metadata.ParquetMetadata;
import io.trino.parquet.reader.MetadataReader;
import io.trino.plugin.icedb.IcedbConfig;
import io.trino.plugin.icedb.IcedbTableLocation;
import io.trino.plugin.icedb.fileio.IcedbFileIoFactory;
import io.trino.plugin.icedb.reader.IcedbParquetDataSource;
import io.trino.spi.security.ConnectorIdentity;
import io.trino.spi.type.Type;
import jakarta.annotation.PreDestroy;
import org.weakref.jmx.Managed;
import org.weakref.jmx.Nested;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;

import static io.airlift.concurrent.Threads.daemonThreadsNamed;
import static java.util.Objects.requireNonNull;
import static java.util.concurrent.Executors.newFixedThreadPool;

/**
 * The statistics of a snapshot's parts: from the statistics sidecar of the log that added each part
 * ({@link StatsSidecar}), written at commit time by our writers; for parts without one (Python's, merged ones, ours
 * from before), from their Parquet footers, read in parallel, cached, and written back as the log's sidecar. Sidecars
 * are immutable, so parsed ones are cached by key. Statistics are advice: a sidecar or footer that cannot be read
 * leaves its parts without statistics (and never fails a query).
 */
public final class IcedbPartStatisticsStore
{
    private static final Logger log = Logger.get(IcedbPartStatisticsStore.class);
    private static final int MAX_CACHED_PARTS = 1_000_000;

    private final IcedbFileIoFactory fileIoFactory;
    private final TrinoFileSystemFactory fileSystemFactory;
    private final ExecutorService executor;
    private final Cache<String, Map<String, PartStats>> sidecars;
    private final Cache<String, PartStats> footers;
    private final CounterStat footerReads = new CounterStat();
    private final CounterStat sidecarReads = new CounterStat();
    private final CounterStat sidecarWrites = new CounterStat();
    private final CounterStat failures = new CounterStat();

    @Inject
    public IcedbPartStatisticsStore(IcedbFileIoFactory fileIoFactory, TrinoFileSystemFactory fileSystemFactory, IcedbConfig config)
    {
        this.fileIoFactory = requireNonNull(fileIoFactory, "fileIoFactory is null");
        this.fileSystemFactory = requireNonNull(fileSystemFactory, "fileSystemFactory is null");
        this.executor = newFixedThreadPool(Math.max(1, config.getLogReadThreads()), daemonThreadsNamed("icedb-part-statistics-%s"));
        this.sidecars = EvictableCacheBuilder.newBuilder()
                .maximumWeight(MAX_CACHED_PARTS)
                .weigher((String _, Map<String, PartStats> parts) -> Math.max(1, parts.size()))
                .build();
        this.footers = EvictableCacheBuilder.newBuilder()
                .maximumSize(MAX_CACHED_PARTS)
                .build();
    }

    @PreDestroy
    public void shutdown()
    {
        executor.shutdownNow();
    }

    /**
     * Creates the sidecar of a log our writers just committed; a failure is logged, never thrown (the footers stand in).
     */
    public void writeSidecar(IcedbFileIo fileIo, IcedbTableLocation location, String logKey, Map<String, PartStats> parts)
    {
        if (parts.isEmpty()) {
            return;
        }
        try {
            StatsSidecar.create(fileIo, location.prefix(), logKey, parts);
            sidecarWrites.update(1);
        }
        catch (FileAlreadyExistsException _) {
            // written already (sidecars are immutable)
        }
        catch (IOException | RuntimeException e) {
            failures.update(1);
            log.warn(e, "Failed to write the statistics of log %s of table %s; readers use the parts' footers", logKey, location);
        }
    }

    /**
     * The statistics of {@code parts} the sidecars of the logs that added them hold (a log whose parts a new log lists
     * again, as a rollback does, hands them on); parts without are left out, their readers take them from the footers.
     *
     * @param addedBy the key of the log that added each part
     */
    public Map<String, PartStats> fromSidecars(IcedbFileIo fileIo, IcedbTableLocation location, Map<String, String> addedBy, Collection<FileMarker> parts)
    {
        Map<String, PartStats> result = new HashMap<>();
        Map<String, Optional<Map<String, PartStats>>> sidecars = new HashMap<>();
        for (FileMarker part : parts) {
            String logKey = addedBy.get(part.path());
            if (logKey == null) {
                continue;
            }
            sidecars.computeIfAbsent(logKey, key -> sidecar(fileIo, location, StatsSidecar.sidecarKey(location.prefix(), key)))
                    .map(found -> found.get(part.path()))
                    .ifPresent(stats -> result.put(part.path(), stats));
        }
        return result;
    }

    /**
     * Statistics of {@code parts} (alive parts of {@code snapshot}) by part path; a part whose statistics cannot be had
     * is missing from the result.
     *
     * @param columnTypes the table's columns (of the log schema) with their Trino types
     */
    public Map<String, PartStats> statistics(ConnectorIdentity identity, IcedbTableLocation location, Snapshot snapshot, Collection<FileMarker> parts, Map<String, Type> columnTypes)
    {
        if (parts.isEmpty()) {
            return ImmutableMap.of();
        }
        IcedbFileIo fileIo = fileIoFactory.create(identity, location);
        // the parts of each adding log
        Map<String, List<FileMarker>> partsByLog = new LinkedHashMap<>();
        List<FileMarker> orphans = new ArrayList<>();
        for (FileMarker part : parts) {
            String logKey = snapshot.addedBy().get(part.path());
            if (logKey == null) {
                orphans.add(part);
            }
            else {
                partsByLog.computeIfAbsent(logKey, _ -> new ArrayList<>()).add(part);
            }
        }
        Map<String, CompletableFuture<Optional<Map<String, PartStats>>>> sidecarFutures = new LinkedHashMap<>();
        for (String logKey : partsByLog.keySet()) {
            sidecarFutures.put(logKey, CompletableFuture.supplyAsync(() -> sidecar(fileIo, location, StatsSidecar.sidecarKey(snapshot.tablePrefix(), logKey)), executor));
        }
        Map<String, PartStats> result = new HashMap<>();
        List<FileMarker> missing = new ArrayList<>(orphans);
        List<String> logsWithoutSidecar = new ArrayList<>();
        for (Map.Entry<String, List<FileMarker>> entry : partsByLog.entrySet()) {
            Optional<Map<String, PartStats>> sidecar = sidecarFutures.get(entry.getKey()).join();
            if (sidecar.isEmpty()) {
                logsWithoutSidecar.add(entry.getKey());
            }
            for (FileMarker part : entry.getValue()) {
                PartStats stats = sidecar.map(found -> found.get(part.path())).orElse(null);
                if (stats == null) {
                    missing.add(part);
                }
                else {
                    result.put(part.path(), stats);
                }
            }
        }
        if (!missing.isEmpty()) {
            result.putAll(footerStatistics(identity, location, snapshot, missing, columnTypes));
            // write back the sidecar of each log that has none, holding every part of it this snapshot has
            for (String logKey : logsWithoutSidecar) {
                Map<String, PartStats> logParts = new HashMap<>();
                boolean complete = true;
                for (FileMarker part : partsOfLog(snapshot, logKey)) {
                    PartStats stats = result.get(part.path());
                    if (stats == null) {
                        stats = footers.getIfPresent(location.root() + part.path());
                    }
                    if (stats == null) {
                        complete = false;
                        break;
                    }
                    logParts.put(part.path(), stats);
                }
                if (complete) {
                    writeSidecar(fileIo, location, logKey, logParts);
                }
            }
        }
        return result;
    }

    private static List<FileMarker> partsOfLog(Snapshot snapshot, String logKey)
    {
        return snapshot.aliveFiles().stream()
                .filter(part -> logKey.equals(snapshot.addedBy().get(part.path())))
                .toList();
    }

    private Optional<Map<String, PartStats>> sidecar(IcedbFileIo fileIo, IcedbTableLocation location, String key)
    {
        String cacheKey = location.root() + key;
        Map<String, PartStats> cached = sidecars.getIfPresent(cacheKey);
        if (cached != null) {
            return Optional.of(cached);
        }
        try {
            sidecarReads.update(1);
            Optional<Map<String, PartStats>> parts = StatsSidecar.read(fileIo, key);
            parts.ifPresent(found -> cache(sidecars, cacheKey, found));
            return parts;
        }
        catch (IOException | RuntimeException e) {
            failures.update(1);
            log.warn(e, "Failed to read statistics sidecar %s of table %s; using the parts' footers", key, location);
            return Optional.empty();
        }
    }

    private Map<String, PartStats> footerStatistics(ConnectorIdentity identity, IcedbTableLocation location, Snapshot snapshot, List<FileMarker> parts, Map<String, Type> columnTypes)
    {
        TrinoFileSystem fileSystem = fileSystemFactory.create(identity);
        Map<String, String> duckDbTypes = snapshot.schema().columns();
        Map<String, CompletableFuture<Optional<PartStats>>> futures = new LinkedHashMap<>();
        for (FileMarker part : parts) {
            String path = location.root() + part.path();
            PartStats cached = footers.getIfPresent(path);
            futures.put(part.path(), cached != null
                    ? CompletableFuture.completedFuture(Optional.of(cached))
                    : CompletableFuture.supplyAsync(() -> readFooter(fileSystem, path, part.bytes(), columnTypes, duckDbTypes), executor));
        }
        Map<String, PartStats> result = new HashMap<>();
        futures.forEach((path, future) -> future.join().ifPresent(stats -> result.put(path, stats)));
        return result;
    }

    private Optional<PartStats> readFooter(TrinoFileSystem fileSystem, String path, long bytes, Map<String, Type> columnTypes, Map<String, String> duckDbTypes)
    {
        footerReads.update(1);
        TrinoInputFile inputFile = fileSystem.newInputFile(Location.of(path), bytes);
        try (ParquetDataSource source = new IcedbParquetDataSource(inputFile, bytes, ParquetReaderOptions.defaultOptions())) {
            ParquetMetadata footer = MetadataReader.readFooter(source, Optional.empty());
            PartStats stats = IcedbFooterStatistics.of(footer, source.getId(), columnTypes, duckDbTypes);
            cache(footers, path, stats);
            return Optional.of(stats);
        }
        catch (IOException | RuntimeException e) {
            failures.update(1);
            log.warn(e, "Failed to read the statistics of part %s from its footer", path);
            return Optional.empty();
        }
    }

    private static <V> void cache(Cache<String, V> cache, String key, V value)
    {
        try {
            cache.get(key, () -> value);
        }
        catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    @Managed
    @Nested
    public CounterStat getFooterReads()
    {
        return footerReads;
    }

    @Managed
    @Nested
    public CounterStat getSidecarReads()
    {
        return sidecarReads;
    }

    @Managed
    @Nested
    public CounterStat getSidecarWrites()
    {
        return sidecarWrites;
    }

    @Managed
    @Nested
    public CounterStat getFailures()
    {
        return failures;
    }
}
