package io.trino.plugin.icedb.maintenance;

import io.icedb.engine.Snapshot;
import io.icedb.engine.SnapshotReader;
import io.icedb.engine.exceptions.StorageException;
import io.icedb.engine.io.FileEntry;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.spec.LogFileParser;
import io.icedb.engine.spec.TablePaths;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;

import static java.util.Objects.requireNonNull;

/**
 * Every log of a table, parsed, in read order: what a maintenance operation folds after it took the lease (no time
 * filter, so that a log of the previous holder stamped ahead of this node's clock is included).
 *
 * @param logs log key to parsed log, in plain string order of the keys
 */
public record TableLogs(String tablePrefix, SequencedMap<String, LogFile> logs)
{
    private static final int MAX_LISTING_ATTEMPTS = 5;

    public TableLogs
    {
        requireNonNull(tablePrefix, "tablePrefix is null");
        logs = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(logs));
    }

    /**
     * Lists {@code P/_log/} and reads every log there; objects whose name is not a log name are skipped, as the reader does.
     * A log that vanishes between listing and reading (a concurrent Python cleanup) makes it list again.
     */
    public static TableLogs read(IcedbFileIo fileIo, String tablePrefix)
    {
        String logPrefix = TablePaths.logPrefix(tablePrefix);
        NoSuchFileException vanished = null;
        for (int attempt = 0; attempt < MAX_LISTING_ATTEMPTS; attempt++) {
            List<String> keys = new ArrayList<>();
            try {
                for (FileEntry entry : fileIo.list(logPrefix)) {
                    if (LogFileName.parse(entry.key().substring(entry.key().lastIndexOf('/') + 1)).isPresent()) {
                        keys.add(entry.key());
                    }
                }
            }
            catch (IOException e) {
                throw new StorageException("Failed to list the log files of table '%s' under %s: %s".formatted(tablePrefix, logPrefix, e.getMessage()), e);
            }
            keys.sort(SnapshotReader.KEY_ORDER);
            SequencedMap<String, LogFile> logs = new LinkedHashMap<>();
            try {
                for (String key : keys) {
                    logs.put(key, LogFileParser.parse(key, fileIo.read(key)));
                }
                return new TableLogs(tablePrefix, logs);
            }
            catch (NoSuchFileException e) {
                vanished = e;
            }
            catch (IOException e) {
                throw new StorageException("Failed to read the log files of table '%s': %s".formatted(tablePrefix, e.getMessage()), e);
            }
        }
        throw new StorageException("Log files of table '%s' kept disappearing while they were read (last missing: %s)".formatted(tablePrefix, vanished.getFile()), vanished);
    }

    public boolean isEmpty()
    {
        return logs.isEmpty();
    }

    /**
     * The current snapshot: every log folded.
     */
    public Snapshot fold()
    {
        return SnapshotReader.fold(tablePrefix, List.copyOf(logs.entrySet()));
    }

    /**
     * The greatest name timestamp of the logs, if any.
     */
    public Optional<Long> newestTimestamp()
    {
        return logs.keySet().stream()
                .map(key -> LogFileName.parse(key.substring(key.lastIndexOf('/') + 1)).orElseThrow().timestampMillis())
                .max(Long::compare);
    }

    public Map<String, LogFile> asMap()
    {
        return logs;
    }
}
