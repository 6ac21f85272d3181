package io.icedb.engine.commit;

import io.icedb.engine.io.FileEntry;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.TableOwnership;
import io.icedb.engine.spec.TablePaths;
import io.icedb.engine.table.TableLogs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Plans {@code remove_orphan_files}: the objects under the table's {@code P/_data/} that no log references (no marker,
 * alive or dead, in any log: parts left by failed writes) and that were last modified before a threshold. Never looks
 * outside {@code P/_data/}, so logs and {@code P/_icedb/} are never touched.
 */
public final class OrphanPlanner
{
    private OrphanPlanner() {}

    /**
     * @param objects the listing of {@code P/_data/}, made BEFORE the logs were read (a part listed here whose log
     * appears later is younger than the threshold)
     * @param logs every log of the table
     * @param olderThanMillis only objects last modified strictly before this are deleted
     */
    public static OrphanPlan plan(String tablePrefix, List<FileEntry> objects, TableLogs logs, long olderThanMillis)
    {
        requireNonNull(objects, "objects is null");
        requireNonNull(logs, "logs is null");
        String dataPrefix = TablePaths.dataPrefix(tablePrefix);
        Set<String> referenced = logs.referencedParts();
        // a listing that misses a live part means keys are spelled differently than in the logs: delete nothing
        Set<String> listed = new HashSet<>();
        objects.forEach(object -> listed.add(object.key()));
        Optional<String> unlistedAlivePart = logs.fold().aliveFiles().stream()
                .map(FileMarker::path)
                .filter(path -> path.startsWith(dataPrefix) && !listed.contains(path))
                .findFirst();
        if (unlistedAlivePart.isPresent()) {
            return new OrphanPlan(objects.size(), List.of(), 0, 0, unlistedAlivePart, List.of());
        }
        // a table nested below P/_data/ (its own _log/ or _icedb/ there) is not ours: none of its objects is an orphan
        TableOwnership ownership = TableOwnership.of(tablePrefix, objects.stream().map(FileEntry::key).toList());
        List<String> deleted = new ArrayList<>();
        long deletedBytes = 0;
        int keptYoung = 0;
        for (FileEntry object : objects) {
            if (referenced.contains(object.key()) || !ownership.ownsPart(object.key())) {
                continue;
            }
            if (object.lastModifiedMillis() < olderThanMillis) {
                deleted.add(object.key());
                deletedBytes += object.size();
            }
            else {
                keptYoung++;
            }
        }
        return new OrphanPlan(objects.size(), deleted, deletedBytes, keptYoung, Optional.empty(), List.copyOf(ownership.nestedTablePrefixes()));
    }

    /**
     * @param filesScanned objects listed under {@code P/_data/}
     * @param filesToDelete the orphans older than the threshold
     * @param filesKeptYoung orphans kept because they are younger than the threshold
     * @param unlistedAlivePart an alive part the listing did not show: then nothing may be deleted
     * @param nestedTablePrefixes the prefixes of other tables found nested under {@code P/_data/}, left alone
     */
    public record OrphanPlan(int filesScanned, List<String> filesToDelete, long bytesToDelete, int filesKeptYoung, Optional<String> unlistedAlivePart, List<String> nestedTablePrefixes)
    {
        public OrphanPlan
        {
            filesToDelete = List.copyOf(filesToDelete);
            nestedTablePrefixes = List.copyOf(nestedTablePrefixes);
            requireNonNull(unlistedAlivePart, "unlistedAlivePart is null");
        }
    }
}
