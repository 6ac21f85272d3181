package io.icedb.engine.lease;

import io.icedb.engine.exceptions.LeaseLostException;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * A held maintenance lease. A maintenance operation commits its logs only through {@link #commit}, which is fenced: once
 * another holder has taken over (after this lease expired) or the lease was released, no commit can succeed. Thread-safe;
 * commits of one handle are serialised.
 */
public final class LeaseHandle
        implements AutoCloseable
{
    private enum State
    {
        HELD,
        RELEASED,
        LOST,
    }

    private final MaintenanceLease lease;
    private final Duration leaseDuration;

    private LeaseRecord current;
    // the next token number this holder tries in its epoch; it only moves past a number once that token is known to exist,
    // so the epoch's tokens have no gaps and a seal (created at the first free number) is always in the holder's way
    private long nextSequence = 1;
    private State state = State.HELD;
    // run once when the handle stops being used (release or abandon): for example stopping a background renewal
    private final List<Runnable> releaseActions = new ArrayList<>();

    LeaseHandle(MaintenanceLease lease, LeaseRecord current, Duration leaseDuration)
    {
        this.lease = requireNonNull(lease, "lease is null");
        this.current = requireNonNull(current, "current is null");
        this.leaseDuration = requireNonNull(leaseDuration, "leaseDuration is null");
    }

    public String tablePrefix()
    {
        return lease.tablePrefix();
    }

    public synchronized String holderId()
    {
        return current.holderId();
    }

    /**
     * The epoch this handle holds; {@link #renew} moves it to a newer one.
     */
    public synchronized long epoch()
    {
        return current.epoch();
    }

    public synchronized Instant expiresAt()
    {
        return Instant.ofEpochMilli(current.expiresMillis());
    }

    /**
     * Whether the lease has expired by this holder's clock (it may still be the newest epoch if nobody took over).
     */
    public synchronized boolean isExpired()
    {
        return lease.clock().millis() >= current.expiresMillis();
    }

    /**
     * Extends the lease by its duration from now, as a new epoch won with an exclusive create; works even after expiry as
     * long as nobody took over.
     *
     * @throws LeaseLostException when another holder took over or the lease was released
     */
    public synchronized void renew()
    {
        requireHeld();
        MaintenanceLease.LatestEpoch latest = lease.readLatest().orElseThrow(() -> lostForGood("its epoch object is gone"));
        if (!latest.lease().nonce().equals(current.nonce())) {
            throw lostForGood("'%s' holds epoch %s".formatted(latest.lease().holderId(), latest.lease().epoch()));
        }
        if (latest.sealed()) {
            throw lostForGood("its epoch was sealed");
        }
        long now = lease.clock().millis();
        LeaseRecord renewed = new LeaseRecord(current.epoch() + 1, current.holderId(), UUID.randomUUID().toString(), now, now + leaseDuration.toMillis());
        if (!lease.tryWin(renewed)) {
            throw lostForGood("another holder took epoch %s first".formatted(renewed.epoch()));
        }
        current = renewed;
        nextSequence = 1;
        // seals and deletes our previous epoch; if this fails, the next takeover finishes it, and we hold the new epoch
        lease.takeOver(renewed, MaintenanceLease.REASON_RENEWAL);
    }

    /**
     * Commits one log: takes the epoch's next commit token naming {@code logKey}, then creates the log exclusively.
     * Either the log is created (or was, by an SDK retry of this very create) with {@code logBytes}, or this fails and the
     * log can never appear with these bytes.
     *
     * @param logKey the full key of a new log file directly under the table's {@code _log/}; never reuse the key of a
     * failed commit (a takeover may have created it as a no-op)
     * @throws LeaseLostException when the lease expired by this holder's clock, was released, or another holder took over
     * @throws io.icedb.engine.exceptions.StorageException when storage fails; the commit did not happen unless the log exists
     */
    public synchronized void commit(String logKey, byte[] logBytes)
    {
        requireNonNull(logKey, "logKey is null");
        requireNonNull(logBytes, "logBytes is null");
        if (lease.logName(logKey).isEmpty()) {
            throw new IllegalArgumentException("Not a log file key of table '%s': %s".formatted(tablePrefix(), logKey));
        }
        requireHeld();
        long now = lease.clock().millis();
        if (now >= current.expiresMillis()) {
            throw new LeaseLostException(tablePrefix(), current.holderId(), current.epoch(),
                    "it expired at %s by this holder's clock (now %s); renew() before committing".formatted(expiresAt(), Instant.ofEpochMilli(now)));
        }
        takeToken(logKey);
        verifyEpochObject();
        createLog(logKey, logBytes);
    }

    /**
     * Seals the epoch so the next acquirer gets the lease at once; no commit of this handle succeeds afterwards.
     * Releasing a lost or released lease does nothing.
     */
    public synchronized void release()
    {
        runReleaseActions();
        if (state != State.HELD) {
            return;
        }
        while (true) {
            String key = lease.paths().tokenKey(current.epoch(), nextSequence);
            try {
                lease.io().createExclusive(key, LeaseJson.writeToken(CommitToken.seal(current, MaintenanceLease.REASON_RELEASE, lease.clock().millis())));
                state = State.RELEASED;
                return;
            }
            catch (FileAlreadyExistsException _) {
                if (!isOwnToken(nextSequence)) {
                    // a taker sealed the epoch already (or an SDK retry of our own seal): nothing left to release
                    state = State.LOST;
                    return;
                }
                nextSequence++;
            }
            catch (IOException e) {
                throw lease.storageFailure("create " + key, e);
            }
        }
    }

    @Override
    public void close()
    {
        release();
    }

    /**
     * Runs {@code action} once when this handle is released or abandoned (at once if it already was).
     */
    public synchronized void onRelease(Runnable action)
    {
        requireNonNull(action, "action is null");
        if (state != State.HELD) {
            action.run();
            return;
        }
        releaseActions.add(action);
    }

    /**
     * Stops using the handle without writing anything: for an operation that deleted the lease's objects together with
     * the table (DROP TABLE). No commit of this handle succeeds afterwards.
     */
    public synchronized void abandon()
    {
        runReleaseActions();
        state = State.RELEASED;
    }

    private void runReleaseActions()
    {
        List<Runnable> actions = List.copyOf(releaseActions);
        releaseActions.clear();
        actions.forEach(Runnable::run);
    }

    private void takeToken(String logKey)
    {
        while (true) {
            String key = lease.paths().tokenKey(current.epoch(), nextSequence);
            try {
                lease.io().createExclusive(key, LeaseJson.writeToken(CommitToken.commit(current, logKey, lease.clock().millis())));
                nextSequence++;
                return;
            }
            catch (FileAlreadyExistsException _) {
                if (!isOwnToken(nextSequence)) {
                    throw lostForGood("another holder sealed its epoch %s at %s".formatted(current.epoch(), key));
                }
                // our own token whose create looked failed (an ambiguous earlier attempt): step over it
                nextSequence++;
            }
            catch (IOException e) {
                // the token may or may not exist: the next attempt retries this number and finds out
                throw lease.storageFailure("create " + key, e);
            }
        }
    }

    private boolean isOwnToken(long sequence)
    {
        try {
            CommitToken token = lease.readToken(current.epoch(), sequence);
            return !token.isSeal() && token.nonce().equals(current.nonce());
        }
        catch (NoSuchFileException _) {
            // deleted by a takeover after the epoch was settled
            return false;
        }
        catch (IOException e) {
            throw lease.storageFailure("read " + lease.paths().tokenKey(current.epoch(), sequence), e);
        }
    }

    /**
     * A token counts only if our epoch object still exists after it was created: a takeover deletes a settled epoch's
     * objects, epoch object first, after which a token number may be free again.
     */
    private void verifyEpochObject()
    {
        try {
            LeaseRecord stored = lease.readLease(current.epoch());
            if (stored.nonce().equals(current.nonce())) {
                return;
            }
        }
        catch (NoSuchFileException _) {
            // deleted by a takeover
        }
        catch (IOException e) {
            throw lease.storageFailure("read " + lease.paths().epochKey(current.epoch()), e);
        }
        throw lostForGood("a takeover has deleted its epoch %s".formatted(current.epoch()));
    }

    private void createLog(String logKey, byte[] logBytes)
    {
        try {
            lease.io().createExclusive(logKey, logBytes);
            return;
        }
        catch (FileAlreadyExistsException _) {
            // an SDK retry of our own successful create also answers "exists": compare the bytes
        }
        catch (IOException e) {
            throw lease.storageFailure("create log " + logKey, e);
        }
        byte[] existing;
        try {
            existing = lease.io().read(logKey);
        }
        catch (IOException e) {
            throw lease.storageFailure("read log " + logKey, e);
        }
        if (Arrays.equals(existing, logBytes)) {
            return;
        }
        throw lostForGood("log %s already exists with other content: the next holder neutralised it after taking over (or the key was reused)".formatted(logKey));
    }

    private void requireHeld()
    {
        switch (state) {
            case HELD -> {}
            case RELEASED -> throw lost("it was released");
            case LOST -> throw lost("it was lost earlier");
        }
    }

    private LeaseLostException lostForGood(String reason)
    {
        state = State.LOST;
        return lost(reason);
    }

    private LeaseLostException lost(String reason)
    {
        return new LeaseLostException(tablePrefix(), current.holderId(), current.epoch(), reason);
    }
}
