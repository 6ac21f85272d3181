package io.icedb.engine.commit;

import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileName;

import static java.util.Objects.requireNonNull;

/**
 * A log file a commit or maintenance operation is about to create: its key {@code P/_log/name} and its content.
 * The caller creates it exclusively (conditional create) and encodes it with {@link io.icedb.engine.spec.LogFileParser#write}.
 */
public record PlannedLog(String key, LogFileName name, LogFile content)
{
    public PlannedLog
    {
        requireNonNull(key, "key is null");
        requireNonNull(name, "name is null");
        requireNonNull(content, "content is null");
    }
}
