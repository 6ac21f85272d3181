package io.icedb.engine.lease;

import io.icedb.engine.exceptions.IcedbException;
import io.icedb.engine.exceptions.InvalidMetadataObjectException;
import io.icedb.engine.exceptions.LeaseUnavailableException;
import io.icedb.engine.exceptions.StorageException;
import io.icedb.engine.io.FileEntry;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.spec.LogFileParser;
import io.icedb.engine.spec.Schema;
import io.icedb.engine.spec.TablePaths;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SequencedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The exclusive per-table maintenance lease (merge, cleanup, partition removal and rewrites take it; inserts never do), kept
 * under {@code P/_icedb/lease/} with exclusive creates only. See {@code docs/maintenance-lease.md} for the protocol and why it
 * is safe: in short, epochs decide who holds the lease, and sequential commit tokens, which a taker seals, fence a holder that
 * lost it.
 */
public final class MaintenanceLease
{
    static final String REASON_TAKEOVER = "takeover";
    static final String REASON_RENEWAL = "renewal";
    static final String REASON_RELEASE = "release";

    private static final int MAX_LISTING_ATTEMPTS = 10;

    private final IcedbFileIo io;
    private final String tablePrefix;
    private final Clock clock;
    private final LeaseOptions options;
    private final LeasePaths paths;

    /**
     * {@code P/_icedb/lease/}, with the trailing slash: every object of the lease is under it.
     */
    public static String leasePrefix(String tablePrefix)
    {
        return new LeasePaths(tablePrefix).leasePrefix();
    }

    public MaintenanceLease(IcedbFileIo io, String tablePrefix, Clock clock, LeaseOptions options)
    {
        this.io = requireNonNull(io, "io is null");
        this.tablePrefix = requireNonNull(tablePrefix, "tablePrefix is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.options = requireNonNull(options, "options is null");
        this.paths = new LeasePaths(tablePrefix);
    }

    /**
     * Takes the lease of the table under {@code tablePrefix}, failing fast when another holder has it.
     *
     * @throws LeaseUnavailableException when another holder has the lease and it has not expired
     */
    public static LeaseHandle acquire(IcedbFileIo io, String tablePrefix, String holderId, Duration leaseDuration, Clock clock)
    {
        return new MaintenanceLease(io, tablePrefix, clock, LeaseOptions.DEFAULT).acquire(holderId, leaseDuration);
    }

    /**
     * @throws LeaseUnavailableException when another holder has the lease and it has not expired
     */
    public LeaseHandle acquire(String holderId, Duration leaseDuration)
    {
        return acquire(holderId, leaseDuration, Duration.ZERO);
    }

    /**
     * Takes the lease, waiting up to {@code waitTimeout} (by this lease's clock) for another holder to release it or for its
     * lease to expire. On return, every earlier epoch is sealed and its in-flight commits are settled, so a snapshot read
     * from now on sees every log an earlier holder will ever commit.
     *
     * @param holderId names the holder in errors and in the lease objects (for example host and query id)
     * @throws LeaseUnavailableException when another holder still has the lease after {@code waitTimeout}
     */
    public LeaseHandle acquire(String holderId, Duration leaseDuration, Duration waitTimeout)
    {
        requireNonNull(holderId, "holderId is null");
        requireNonNull(leaseDuration, "leaseDuration is null");
        requireNonNull(waitTimeout, "waitTimeout is null");
        if (holderId.isBlank()) {
            throw new IllegalArgumentException("holderId is blank");
        }
        if (leaseDuration.isNegative() || leaseDuration.isZero()) {
            throw new IllegalArgumentException("leaseDuration must be positive: " + leaseDuration);
        }
        long deadline = clock.millis() + waitTimeout.toMillis();
        while (true) {
            Optional<LatestEpoch> latest = readLatest();
            long now = clock.millis();
            if (latest.isPresent() && !latest.get().isFree(now, options.clockSkewAllowance())) {
                LeaseRecord holder = latest.get().lease();
                if (now < deadline) {
                    sleep(Math.min(options.pollInterval().toMillis(), deadline - now));
                    continue;
                }
                Instant frees = Instant.ofEpochMilli(holder.expiresMillis()).plus(options.clockSkewAllowance());
                throw new LeaseUnavailableException(
                        tablePrefix,
                        holder.holderId(),
                        Instant.ofEpochMilli(holder.expiresMillis()),
                        "; its holder last renewed it at %s, and unless it renews again the lease frees at %s (expiry plus %s clock skew allowance; epoch %s)".formatted(
                                Instant.ofEpochMilli(holder.acquiredMillis()), frees, options.clockSkewAllowance(), holder.epoch()));
            }
            long epoch = latest.map(value -> value.lease().epoch() + 1).orElse(1L);
            LeaseRecord mine = new LeaseRecord(epoch, holderId, UUID.randomUUID().toString(), now, now + leaseDuration.toMillis());
            if (tryWin(mine)) {
                try {
                    takeOver(mine, REASON_TAKEOVER);
                }
                catch (RuntimeException e) {
                    // we hold an epoch we cannot use: let the next acquirer in now rather than after expiry
                    try {
                        sealOwnEpoch(mine);
                    }
                    catch (RuntimeException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                    throw e;
                }
                return new LeaseHandle(this, mine, leaseDuration);
            }
            // another acquirer won this epoch: look again (it will usually report that one as the holder)
        }
    }

    /**
     * The current epoch (the newest epoch object); empty when no maintenance lease was ever taken (or its objects were removed).
     */
    public Optional<LeaseStatus> status()
    {
        return readLatest().map(latest -> new LeaseStatus(
                latest.lease().holderId(),
                latest.lease().epoch(),
                Instant.ofEpochMilli(latest.lease().acquiredMillis()),
                Instant.ofEpochMilli(latest.lease().expiresMillis()),
                latest.sealed()));
    }

    String tablePrefix()
    {
        return tablePrefix;
    }

    Clock clock()
    {
        return clock;
    }

    IcedbFileIo io()
    {
        return io;
    }

    LeasePaths paths()
    {
        return paths;
    }

    /**
     * The newest epoch object, and whether that epoch is sealed (released); empty when there is no epoch object at all.
     */
    Optional<LatestEpoch> readLatest()
    {
        for (int attempt = 0; attempt < MAX_LISTING_ATTEMPTS; attempt++) {
            Listing listing = list();
            if (listing.epochObjects().isEmpty()) {
                return Optional.empty();
            }
            long epoch = listing.epochObjects().last();
            try {
                LeaseRecord lease = readLease(epoch);
                NavigableSet<Long> tokens = listing.tokens(epoch);
                boolean sealed = !tokens.isEmpty() && readToken(epoch, tokens.last()).isSeal();
                return Optional.of(new LatestEpoch(lease, sealed));
            }
            catch (NoSuchFileException _) {
                // a newer epoch's takeover deleted it meanwhile: look again
            }
            catch (IOException e) {
                throw storageFailure("read the lease", e);
            }
        }
        throw new IcedbException("Lease objects of table '%s' kept disappearing while they were read (%s listings of %s)"
                .formatted(tablePrefix, MAX_LISTING_ATTEMPTS, paths.leasePrefix()));
    }

    /**
     * Tries to create the epoch object of {@code mine} so that it is the newest epoch. The caller must then {@link #takeOver}
     * before it reads the table or commits.
     *
     * @return false when another holder has this epoch or a newer one
     */
    boolean tryWin(LeaseRecord mine)
    {
        String key = paths.epochKey(mine.epoch());
        try {
            io.createExclusive(key, LeaseJson.writeLease(mine));
        }
        catch (FileAlreadyExistsException _) {
            // an SDK retry of our own successful create also answers "exists": only our nonce tells
            try {
                if (!readLease(mine.epoch()).nonce().equals(mine.nonce())) {
                    return false;
                }
            }
            catch (NoSuchFileException _) {
                return false;
            }
            catch (IOException e) {
                throw storageFailure("read " + key, e);
            }
        }
        catch (IOException e) {
            throw storageFailure("create " + key, e);
        }
        // the number may have been free because a newer epoch's takeover deleted it: then a newer epoch exists
        return list().epochObjects().higher(mine.epoch()) == null;
    }

    /**
     * Seals every earlier epoch, settles its commits and deletes its objects. Idempotent, so a takeover that crashed halfway
     * is finished by the next one.
     */
    void takeOver(LeaseRecord mine, String reason)
    {
        Listing listing = list();
        try {
            for (long epoch : listing.epochObjects().headSet(mine.epoch(), false)) {
                settle(epoch, listing.tokens(epoch), mine, reason);
                // the epoch object goes first: its absence tells every later taker that this epoch is settled, and tells the
                // epoch's holder (which reads it after taking a token) that its token does not count
                io.delete(paths.epochKey(epoch));
                io.deleteAll(keys(io.list(paths.epochDirectory(epoch))));
            }
            for (Map.Entry<Long, List<String>> remnant : listing.directoryChildren().headMap(mine.epoch(), false).entrySet()) {
                if (!listing.epochObjects().contains(remnant.getKey())) {
                    // left by a takeover that crashed while deleting, or by a fenced holder after its epoch was deleted
                    io.deleteAll(remnant.getValue());
                }
            }
        }
        catch (IOException e) {
            throw storageFailure("take over the lease from earlier epochs", e);
        }
    }

    private void sealOwnEpoch(LeaseRecord mine)
    {
        try {
            settle(mine.epoch(), list().tokens(mine.epoch()), mine, REASON_RELEASE);
        }
        catch (IOException e) {
            throw storageFailure("release epoch " + mine.epoch(), e);
        }
    }

    /**
     * Seals {@code epoch} (creates a seal as its next token, so its holder can never take another one) and neutralises every
     * commit token of the epoch whose log does not exist (creates that log as a no-op, so its holder can never create it).
     */
    private void settle(long epoch, NavigableSet<Long> listedTokens, LeaseRecord sealer, String reason)
            throws IOException
    {
        SequencedSet<String> logKeys = new LinkedHashSet<>();
        long next = 1;
        boolean sealed = false;
        try {
            for (long sequence : listedTokens) {
                CommitToken token = readToken(epoch, sequence);
                next = sequence + 1;
                if (token.isSeal()) {
                    sealed = true;
                    break;
                }
                token.logKey().ifPresent(logKeys::add);
            }
            while (!sealed) {
                String key = paths.tokenKey(epoch, next);
                try {
                    io.createExclusive(key, LeaseJson.writeToken(CommitToken.seal(sealer, reason, clock.millis())));
                    sealed = true;
                }
                catch (FileAlreadyExistsException _) {
                    CommitToken token = readToken(epoch, next);
                    if (token.isSeal()) {
                        // another taker sealed it first (or an SDK retry of our own seal)
                        sealed = true;
                    }
                    else {
                        // the stale holder took this number first: its log must be settled too
                        token.logKey().ifPresent(logKeys::add);
                        next++;
                    }
                }
            }
        }
        catch (NoSuchFileException _) {
            // a token vanished: a concurrent taker has already settled this epoch and is deleting its objects
            return;
        }
        for (String logKey : logKeys) {
            neutralise(epoch, logKey);
        }
    }

    private void neutralise(long epoch, String logKey)
            throws IOException
    {
        Optional<LogFileName> name = logName(logKey);
        if (name.isEmpty()) {
            throw new InvalidMetadataObjectException(paths.epochDirectory(epoch), "Invalid lease object under %s: a commit token of epoch %s names %s, which is not a log file of table '%s'"
                    .formatted(paths.epochDirectory(epoch), epoch, logKey, tablePrefix));
        }
        try {
            io.createExclusive(logKey, noOpLog(name.get()));
        }
        catch (FileAlreadyExistsException _) {
            // the holder's real log (committed before the takeover), or a no-op from an earlier taker
        }
    }

    /**
     * A valid log that changes nothing: metadata line, empty schema, no tombstones, no markers.
     */
    static byte[] noOpLog(LogFileName name)
    {
        return LogFileParser.write(new LogFile(name.timestampMillis(), Schema.EMPTY, List.of(), List.of()));
    }

    /**
     * The parsed name when {@code logKey} is a log file directly under this table's {@code _log/}.
     */
    Optional<LogFileName> logName(String logKey)
    {
        String logPrefix = TablePaths.logPrefix(tablePrefix);
        if (!logKey.startsWith(logPrefix)) {
            return Optional.empty();
        }
        return LogFileName.parse(logKey.substring(logPrefix.length()));
    }

    LeaseRecord readLease(long epoch)
            throws IOException
    {
        String key = paths.epochKey(epoch);
        return LeaseJson.readLease(key, io.read(key));
    }

    CommitToken readToken(long epoch, long sequence)
            throws IOException
    {
        String key = paths.tokenKey(epoch, sequence);
        return LeaseJson.readToken(key, io.read(key));
    }

    StorageException storageFailure(String action, IOException cause)
    {
        return new StorageException("Failed to %s of the maintenance lease of table '%s' (%s): %s"
                .formatted(action, tablePrefix, paths.leasePrefix(), cause), cause);
    }

    private Listing list()
    {
        List<FileEntry> entries;
        try {
            entries = io.list(paths.leasePrefix());
        }
        catch (IOException e) {
            throw storageFailure("list the objects", e);
        }
        TreeSet<Long> epochObjects = new TreeSet<>();
        TreeMap<Long, NavigableSet<Long>> tokens = new TreeMap<>();
        TreeMap<Long, List<String>> directoryChildren = new TreeMap<>();
        for (FileEntry entry : entries) {
            String key = entry.key();
            paths.epochOfEpochObject(key).ifPresent(epochObjects::add);
            paths.token(key).ifPresent(token -> tokens.computeIfAbsent(token.epoch(), _ -> new TreeSet<>()).add(token.sequence()));
            OptionalLong directoryEpoch = paths.epochOfDirectoryChild(key);
            if (directoryEpoch.isPresent()) {
                directoryChildren.computeIfAbsent(directoryEpoch.getAsLong(), _ -> new ArrayList<>()).add(key);
            }
        }
        return new Listing(epochObjects, tokens, directoryChildren);
    }

    private static List<String> keys(List<FileEntry> entries)
    {
        return entries.stream().map(FileEntry::key).toList();
    }

    private static void sleep(long millis)
    {
        try {
            Thread.sleep(Math.max(1, millis));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IcedbException("Interrupted while waiting for a maintenance lease", e);
        }
    }

    record LatestEpoch(LeaseRecord lease, boolean sealed)
    {
        LatestEpoch
        {
            requireNonNull(lease, "lease is null");
        }

        boolean isFree(long nowMillis, Duration clockSkewAllowance)
        {
            return sealed || nowMillis >= lease.expiresMillis() + clockSkewAllowance.toMillis();
        }
    }

    private record Listing(NavigableSet<Long> epochObjects, NavigableMap<Long, NavigableSet<Long>> tokens, NavigableMap<Long, List<String>> directoryChildren)
    {
        NavigableSet<Long> tokens(long epoch)
        {
            return tokens.getOrDefault(epoch, new TreeSet<>());
        }
    }
}
