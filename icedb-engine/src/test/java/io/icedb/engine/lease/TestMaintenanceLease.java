package io.icedb.engine.lease;

import io.icedb.engine.SnapshotReader;
import io.icedb.engine.exceptions.LeaseLostException;
import io.icedb.engine.exceptions.LeaseUnavailableException;
import io.icedb.engine.exceptions.StorageException;
import io.icedb.engine.io.DelegatingFileIo;
import io.icedb.engine.io.FileEntry;
import io.icedb.engine.io.IcedbFileIo;
import io.icedb.engine.io.LocalFileIo;
import io.icedb.engine.spec.FileMarker;
import io.icedb.engine.spec.LogFile;
import io.icedb.engine.spec.LogFileName;
import io.icedb.engine.spec.LogFileParser;
import io.icedb.engine.spec.LogTombstone;
import io.icedb.engine.spec.Schema;
import io.icedb.engine.spec.TablePaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class TestMaintenanceLease
{
    private static final String TABLE = "db/events";
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration SKEW = Duration.ofSeconds(5);
    private static final long START = 1_795_579_000_000L;
    private static final LeaseOptions OPTIONS = new LeaseOptions(SKEW, Duration.ofMillis(20));

    @TempDir
    Path root;

    @Test
    void testConcurrentAcquirersExactlyOneWins()
            throws Exception
    {
        IcedbFileIo io = new LocalFileIo(root);
        TestingClock clock = new TestingClock(START);
        int acquirers = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<LeaseHandle>> futures = new ArrayList<>();
        try (ExecutorService executor = Executors.newFixedThreadPool(acquirers)) {
            for (int i = 0; i < acquirers; i++) {
                String holder = "holder-" + i;
                futures.add(executor.submit(() -> {
                    start.await();
                    return new MaintenanceLease(io, TABLE, clock, OPTIONS).acquire(holder, LEASE);
                }));
            }
            start.countDown();
            List<LeaseHandle> winners = new ArrayList<>();
            List<Throwable> failures = new ArrayList<>();
            for (Future<LeaseHandle> future : futures) {
                try {
                    winners.add(future.get(60, TimeUnit.SECONDS));
                }
                catch (ExecutionException e) {
                    failures.add(e.getCause());
                }
            }
            assertThat(winners).hasSize(1);
            assertThat(failures).hasSize(acquirers - 1);
            String winner = winners.getFirst().holderId();
            for (Throwable failure : failures) {
                assertThat(failure)
                        .isInstanceOf(LeaseUnavailableException.class)
                        .hasMessageContaining("'db/events'")
                        .hasMessageContaining("'" + winner + "'")
                        .hasMessageContaining(Instant.ofEpochMilli(START).plus(LEASE).toString());
                assertThat(((LeaseUnavailableException) failure).holderId()).isEqualTo(winner);
            }
            // the winner can commit
            String log = mergedLogKey(START, "w");
            winners.getFirst().commit(log, mergedLog(START));
            assertThat(io.read(log)).isEqualTo(mergedLog(START));
        }
    }

    @Test
    void testExpiryLetsAnotherHolderTakeOver()
    {
        IcedbFileIo io = new LocalFileIo(root);
        TestingClock clock = new TestingClock(START);
        MaintenanceLease lease = new MaintenanceLease(io, TABLE, clock, OPTIONS);
        LeaseHandle first = lease.acquire("a", LEASE);

        clock.advance(LEASE.minusMillis(1));
        assertThatThrownBy(() -> lease.acquire("b", LEASE)).isInstanceOf(LeaseUnavailableException.class);
        // expired by the holder's record, but still inside the clock-skew allowance
        clock.advance(SKEW);
        assertThatThrownBy(() -> lease.acquire("b", LEASE)).isInstanceOf(LeaseUnavailableException.class);
        clock.advance(Duration.ofMillis(1));
        LeaseHandle second = lease.acquire("b", LEASE);
        assertThat(second.epoch()).isGreaterThan(first.epoch());
        assertThat(second.expiresAt()).isEqualTo(Instant.ofEpochMilli(clock.millis()).plus(LEASE));
    }

    @Test
    void testRenewalPreventsTakeover()
            throws IOException
    {
        IcedbFileIo io = new LocalFileIo(root);
        TestingClock clock = new TestingClock(START);
        MaintenanceLease lease = new MaintenanceLease(io, TABLE, clock, OPTIONS);
        LeaseHandle holder = lease.acquire("a", LEASE);
        long firstEpoch = holder.epoch();

        clock.advance(Duration.ofSeconds(25));
        holder.renew();
        assertThat(holder.epoch()).isEqualTo(firstEpoch + 1);
        assertThat(holder.expiresAt()).isEqualTo(Instant.ofEpochMilli(clock.millis()).plus(LEASE));

        // past the first expiry (and its allowance), inside the renewed one
        clock.advance(Duration.ofSeconds(25));
        assertThatThrownBy(() -> lease.acquire("b", LEASE))
                .isInstanceOf(LeaseUnavailableException.class)
                .hasMessageContaining("'a'");
        String log = mergedLogKey(clock.millis(), "a");
        holder.commit(log, mergedLog(clock.millis()));
        assertThat(io.read(log)).isEqualTo(mergedLog(clock.millis()));

        // a renewal cleans up the epoch it replaces
        assertThat(keys(io.list(new LeasePaths(TABLE).leasePrefix())))
                .allMatch(key -> key.contains("%020d".formatted(firstEpoch + 1)));

        clock.advance(LEASE.plus(SKEW));
        LeaseHandle taker = lease.acquire("b", LEASE);
        assertThat(taker.holderId()).isEqualTo("b");
        assertThatThrownBy(holder::renew)
                .isInstanceOf(LeaseLostException.class)
                .hasMessageContaining("'b' holds epoch");
    }

    @Test
    void testIdleStaleHolderCannotCommit()
            throws IOException
    {
        IcedbFileIo io = new LocalFileIo(root);
        Map.Entry<String, byte[]> insert = writeInsertLog(io);
        // the stale holder's clock stands still (it was paused), so its own expiry check does not stop it: fencing must
        TestingClock clockA = new TestingClock(START);
        TestingClock clockB = new TestingClock(START);
        LeaseHandle a = new MaintenanceLease(io, TABLE, clockA, OPTIONS).acquire("a", LEASE);

        clockB.advance(LEASE.plus(SKEW));
        LeaseHandle b = new MaintenanceLease(io, TABLE, clockB, OPTIONS).acquire("b", LEASE);

        String log = mergedLogKey(START + 1, "a");
        assertThatThrownBy(() -> a.commit(log, mergedLog(START + 1)))
                .isInstanceOf(LeaseLostException.class)
                .hasMessageContaining("'db/events'")
                .hasMessageContaining("'a'");
        assertThat(keys(io.list(TablePaths.logPrefix(TABLE)))).containsExactly(insert.getKey());
        // and it stays lost
        assertThatThrownBy(() -> a.commit(mergedLogKey(START + 2, "a"), mergedLog(START + 2))).isInstanceOf(LeaseLostException.class);
        assertThat(keys(io.list(TablePaths.logPrefix(TABLE)))).containsExactly(insert.getKey());

        String bLog = mergedLogKey(clockB.millis(), "b");
        b.commit(bLog, mergedLog(clockB.millis()));
        assertOnlyLogs(io, insert.getKey(), bLog);
    }

    @Test
    void testStaleHolderIsFencedBySealWhileTakeoverIsUnfinished()
            throws IOException
    {
        // the taker crashes after sealing and settling, before deleting anything: the seal alone must stop the stale holder
        InterceptingFileIo takerIo = new InterceptingFileIo(new LocalFileIo(root));
        takerIo.failDeletes = true;
        IcedbFileIo holderIo = new LocalFileIo(root);
        Map.Entry<String, byte[]> insert = writeInsertLog(holderIo);
        TestingClock clockA = new TestingClock(START);
        TestingClock clockB = new TestingClock(START);
        LeaseHandle a = new MaintenanceLease(holderIo, TABLE, clockA, OPTIONS).acquire("a", LEASE);
        String committedBefore = mergedLogKey(START + 1, "a");
        a.commit(committedBefore, mergedLog(START + 1));

        clockB.advance(LEASE.plus(SKEW));
        assertThatThrownBy(() -> new MaintenanceLease(takerIo, TABLE, clockB, OPTIONS).acquire("b", LEASE))
                .isInstanceOf(StorageException.class);

        assertThatThrownBy(() -> a.commit(mergedLogKey(START + 2, "a"), mergedLog(START + 2)))
                .isInstanceOf(LeaseLostException.class)
                .hasMessageContaining("sealed");
        assertOnlyLogs(holderIo, insert.getKey(), committedBefore);

        // the failed taker released its epoch, so the next taker gets in at once, finishes the takeover and cleans up
        TestingClock clockC = new TestingClock(clockB.millis());
        LeaseHandle c = new MaintenanceLease(holderIo, TABLE, clockC, OPTIONS).acquire("c", LEASE);
        assertThat(keys(holderIo.list(new LeasePaths(TABLE).leasePrefix())))
                .containsExactly(new LeasePaths(TABLE).epochKey(c.epoch()));
        assertThat(holderIo.read(committedBefore)).isEqualTo(mergedLog(START + 1));
    }

    @Test
    void testInFlightCommitIsNeutralisedByTakeover()
            throws Exception
    {
        InterceptingFileIo holderIo = new InterceptingFileIo(new LocalFileIo(root));
        IcedbFileIo takerIo = new LocalFileIo(root);
        Map.Entry<String, byte[]> insert = writeInsertLog(takerIo);
        List<String> aliveBefore = alivePaths(takerIo);

        TestingClock clockA = new TestingClock(START);
        TestingClock clockB = new TestingClock(START);
        LeaseHandle a = new MaintenanceLease(holderIo, TABLE, clockA, OPTIONS).acquire("a", LEASE);
        String log = mergedLogKey(START + 1, "a");
        byte[] logBytes = mergedLog(START + 1);

        // A stalls after taking its token, right before creating its log
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        holderIo.beforeCreate = key -> {
            if (key.equals(log)) {
                stalled.countDown();
                await(resume);
            }
        };
        try (ExecutorService executor = Executors.newSingleThreadExecutor()) {
            Future<?> commit = executor.submit(() -> a.commit(log, logBytes));
            assertThat(stalled.await(30, TimeUnit.SECONDS)).isTrue();

            clockB.advance(LEASE.plus(SKEW));
            LeaseHandle b = new MaintenanceLease(takerIo, TABLE, clockB, OPTIONS).acquire("b", LEASE);
            // the takeover created A's log as a no-op
            assertThat(takerIo.read(log)).isEqualTo(MaintenanceLease.noOpLog(LogFileName.parse(log.substring(log.lastIndexOf('/') + 1)).orElseThrow()));
            assertThat(alivePaths(takerIo)).isEqualTo(aliveBefore);

            resume.countDown();
            assertThatThrownBy(() -> commit.get(30, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(LeaseLostException.class)
                    .hasMessageContaining(log);
            assertThat(takerIo.read(log)).isNotEqualTo(logBytes);
            assertThat(alivePaths(takerIo)).isEqualTo(aliveBefore);
            assertThat(b.epoch()).isGreaterThan(a.epoch());
        }
        assertOnlyLogs(takerIo, insert.getKey(), log);
    }

    @Test
    void testHolderCrashAfterTokenBeforeLogIsNeutralised()
            throws IOException
    {
        InterceptingFileIo holderIo = new InterceptingFileIo(new LocalFileIo(root));
        IcedbFileIo takerIo = new LocalFileIo(root);
        Map.Entry<String, byte[]> insert = writeInsertLog(takerIo);
        List<String> aliveBefore = alivePaths(takerIo);
        TestingClock clock = new TestingClock(START);
        LeaseHandle a = new MaintenanceLease(holderIo, TABLE, clock, OPTIONS).acquire("a", LEASE);
        String log = mergedLogKey(START + 1, "a");
        holderIo.beforeCreate = key -> {
            if (key.equals(log)) {
                throw new IOException("holder crashed");
            }
        };
        assertThatThrownBy(() -> a.commit(log, mergedLog(START + 1))).isInstanceOf(StorageException.class);
        assertOnlyLogs(takerIo, insert.getKey());

        clock.advance(LEASE.plus(SKEW));
        new MaintenanceLease(takerIo, TABLE, clock, OPTIONS).acquire("b", LEASE);
        assertOnlyLogs(takerIo, insert.getKey(), log);
        LogFile noOp = LogFileParser.parse(log, takerIo.read(log));
        assertThat(noOp.fileMarkers()).isEmpty();
        assertThat(noOp.logTombstones()).isEmpty();
        assertThat(noOp.schema()).isEqualTo(Schema.EMPTY);
        assertThat(alivePaths(takerIo)).isEqualTo(aliveBefore);
    }

    @Test
    void testLogCommittedBeforeTakeoverStaysValid()
            throws IOException
    {
        IcedbFileIo io = new LocalFileIo(root);
        Map.Entry<String, byte[]> insert = writeInsertLog(io);
        TestingClock clockA = new TestingClock(START);
        TestingClock clockB = new TestingClock(START);
        LeaseHandle a = new MaintenanceLease(io, TABLE, clockA, OPTIONS).acquire("a", LEASE);
        String log = mergedLogKey(START + 1, "a");
        a.commit(log, mergedLog(START + 1));
        List<String> aliveAfterMerge = alivePaths(io);
        assertThat(aliveAfterMerge).containsExactly("db/events/_data/merged.parquet");

        clockB.advance(LEASE.plus(SKEW));
        new MaintenanceLease(io, TABLE, clockB, OPTIONS).acquire("b", LEASE);
        assertThat(io.read(log)).isEqualTo(mergedLog(START + 1));
        assertThat(alivePaths(io)).isEqualTo(aliveAfterMerge);
        assertOnlyLogs(io, insert.getKey(), log);
        assertThatThrownBy(() -> a.commit(mergedLogKey(START + 2, "a"), mergedLog(START + 2))).isInstanceOf(LeaseLostException.class);
    }

    @Test
    void testAmbiguousCreatesAreResolved()
            throws IOException
    {
        InterceptingFileIo io = new InterceptingFileIo(new LocalFileIo(root));
        TestingClock clock = new TestingClock(START);
        LeaseHandle holder = new MaintenanceLease(io, TABLE, clock, OPTIONS).acquire("a", LEASE);
        String first = mergedLogKey(START + 1, "a");
        String second = mergedLogKey(START + 2, "a");

        // the token is created but the answer is lost: the commit fails, and the next one steps over that token
        io.afterCreate = key -> {
            if (key.contains("/commit-0000000001.json")) {
                throw new IOException("connection reset");
            }
        };
        assertThatThrownBy(() -> holder.commit(first, mergedLog(START + 1))).isInstanceOf(StorageException.class);
        // an SDK retry of a successful log create answers "exists": same bytes, so it is committed
        io.afterCreate = key -> {
            if (key.equals(second)) {
                throw new FileAlreadyExistsException(key);
            }
        };
        holder.commit(second, mergedLog(START + 2));
        assertThat(io.read(second)).isEqualTo(mergedLog(START + 2));
        assertThat(io.read(new LeasePaths(TABLE).tokenKey(holder.epoch(), 2))).asString(UTF_8).contains(second);
    }

    @Test
    void testReleaseLetsNextAcquirerInAtOnce()
            throws IOException
    {
        IcedbFileIo io = new LocalFileIo(root);
        TestingClock clock = new TestingClock(START);
        MaintenanceLease lease = new MaintenanceLease(io, TABLE, clock, OPTIONS);
        assertThat(lease.status()).isEmpty();
        String log = mergedLogKey(START + 1, "a");
        LeaseHandle first;
        try (LeaseHandle handle = lease.acquire("a", LEASE)) {
            first = handle;
            handle.commit(log, mergedLog(START + 1));
        }
        assertThat(lease.status()).hasValue(new LeaseStatus("a", first.epoch(), Instant.ofEpochMilli(START), Instant.ofEpochMilli(START).plus(LEASE), true));
        LeaseHandle second = lease.acquire("b", LEASE);
        assertThat(second.epoch()).isEqualTo(first.epoch() + 1);
        assertThat(lease.status()).hasValue(new LeaseStatus("b", second.epoch(), Instant.ofEpochMilli(START), Instant.ofEpochMilli(START).plus(LEASE), false));
        assertThatThrownBy(() -> first.commit(mergedLogKey(START + 2, "a"), mergedLog(START + 2)))
                .isInstanceOf(LeaseLostException.class)
                .hasMessageContaining("released");
        second.release();
        assertThatThrownBy(() -> second.commit(mergedLogKey(START + 3, "b"), mergedLog(START + 3))).isInstanceOf(LeaseLostException.class);
        assertThatThrownBy(second::renew).isInstanceOf(LeaseLostException.class);
        // released repeatedly, the lease objects stay few: the latest epoch and its seal
        for (int i = 0; i < 5; i++) {
            lease.acquire("c" + i, LEASE).close();
        }
        assertThat(io.list(new LeasePaths(TABLE).leasePrefix())).hasSize(2);
        assertOnlyLogs(io, log);
    }

    @Test
    void testHolderRefusesToCommitAfterOwnExpiry()
            throws IOException
    {
        IcedbFileIo io = new LocalFileIo(root);
        TestingClock clock = new TestingClock(START);
        LeaseHandle holder = new MaintenanceLease(io, TABLE, clock, OPTIONS).acquire("a", LEASE);
        clock.advance(LEASE);
        assertThat(holder.isExpired()).isTrue();
        String log = mergedLogKey(START + 1, "a");
        assertThatThrownBy(() -> holder.commit(log, mergedLog(START + 1)))
                .isInstanceOf(LeaseLostException.class)
                .hasMessageContaining("expired");
        // nobody took over: renewal works even after expiry, and then the commit goes through
        holder.renew();
        holder.commit(log, mergedLog(START + 1));
        assertOnlyLogs(io, log);
    }

    @Test
    void testCommitRejectsKeysOutsideTheLog()
    {
        IcedbFileIo io = new LocalFileIo(root);
        LeaseHandle holder = new MaintenanceLease(io, TABLE, new TestingClock(START), OPTIONS).acquire("a", LEASE);
        assertThatThrownBy(() -> holder.commit("db/events/_data/x.parquet", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("db/events");
        assertThatThrownBy(() -> holder.commit("db/other/_log/1_m_a.jsonl", new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void testWaitingAcquirerGetsLeaseOnRelease()
            throws Exception
    {
        IcedbFileIo io = new LocalFileIo(root);
        MaintenanceLease lease = new MaintenanceLease(io, TABLE, Clock.systemUTC(), OPTIONS);
        LeaseHandle holder = lease.acquire("a", LEASE);
        try (ExecutorService executor = Executors.newSingleThreadExecutor()) {
            Future<LeaseHandle> waiter = executor.submit(() -> lease.acquire("b", LEASE, Duration.ofSeconds(30)));
            Thread.sleep(100);
            assertThat(waiter.isDone()).isFalse();
            holder.release();
            assertThat(waiter.get(30, TimeUnit.SECONDS).holderId()).isEqualTo("b");
        }
        assertThatThrownBy(() -> lease.acquire("c", LEASE, Duration.ofMillis(50))).isInstanceOf(LeaseUnavailableException.class);
    }

    @Test
    void testNothingButCommittedLogsUnderLog()
            throws IOException
    {
        IcedbFileIo io = new LocalFileIo(root);
        Map.Entry<String, byte[]> insert = writeInsertLog(io);
        TestingClock clock = new TestingClock(START);
        MaintenanceLease lease = new MaintenanceLease(io, TABLE, clock, OPTIONS);
        List<String> committed = new ArrayList<>();
        committed.add(insert.getKey());
        for (int round = 0; round < 4; round++) {
            LeaseHandle holder = lease.acquire("h" + round, LEASE);
            String log = mergedLogKey(clock.millis(), "h" + round);
            holder.commit(log, mergedLog(clock.millis()));
            committed.add(log);
            clock.advance(Duration.ofSeconds(10));
            holder.renew();
            if (round % 2 == 0) {
                holder.release();
            }
            else {
                clock.advance(LEASE.plus(SKEW));
            }
        }
        // Python lists P/_log without a trailing slash: only our committed logs may match
        assertThat(keys(io.list(TABLE + "/_log"))).containsExactlyInAnyOrderElementsOf(committed);
        assertThat(keys(io.list(TABLE + "/"))).allMatch(key -> key.startsWith(TABLE + "/_log/") || key.startsWith(TABLE + "/_icedb/lease/"));
    }

    @Test
    void testConcurrentHoldersWithLaggingClocks()
            throws Exception
    {
        // holders whose clocks lag behind the others' keep committing after takeovers: fencing alone must keep the table right
        InterceptingFileIo io = new InterceptingFileIo(new LocalFileIo(root));
        // stalls between a holder's token and its log, where takeovers happen
        io.beforeCreate = key -> {
            if (key.startsWith(TablePaths.logPrefix(TABLE))) {
                sleep(ThreadLocalRandom.current().nextInt(20));
            }
        };
        AtomicLong globalMillis = new AtomicLong(START);
        int threads = 4;
        Map<Long, Set<String>> realLogsSeenAtAcquire = new ConcurrentHashMap<>();
        Map<String, byte[]> succeeded = new ConcurrentHashMap<>();
        Map<String, byte[]> failed = new ConcurrentHashMap<>();
        AtomicLong unique = new AtomicLong();
        try (ExecutorService executor = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                String holderId = "t" + thread;
                long seed = thread;
                futures.add(executor.submit(() -> {
                    Random random = new Random(seed);
                    AtomicLong lag = new AtomicLong();
                    Clock clock = new LaggingClock(globalMillis, lag);
                    MaintenanceLease lease = new MaintenanceLease(io, TABLE, clock, OPTIONS);
                    for (int iteration = 0; iteration < 40; iteration++) {
                        lag.set(0);
                        LeaseHandle handle;
                        try {
                            handle = lease.acquire(holderId, LEASE);
                        }
                        catch (LeaseUnavailableException _) {
                            globalMillis.addAndGet(random.nextInt(20_000));
                            continue;
                        }
                        realLogsSeenAtAcquire.put(handle.epoch(), realLogs(io));
                        // from now on this holder may think it is earlier than it is
                        lag.set(random.nextInt(60_000));
                        for (int commit = 0; commit < 3; commit++) {
                            globalMillis.addAndGet(random.nextInt(15_000));
                            String key = LogFileName.forWriter(globalMillis.get(), true, "%s-e%s-n%s".formatted(holderId, handle.epoch(), unique.incrementAndGet())).key(TABLE);
                            byte[] bytes = LogFileParser.write(new LogFile(
                                    globalMillis.get(),
                                    Schema.EMPTY,
                                    List.of(),
                                    List.of(FileMarker.alive(TABLE + "/_data/" + key.substring(key.lastIndexOf('/') + 1) + ".parquet", 1, globalMillis.get()))));
                            try {
                                handle.commit(key, bytes);
                                succeeded.put(key, bytes);
                            }
                            catch (LeaseLostException _) {
                                failed.put(key, bytes);
                                break;
                            }
                        }
                        if (random.nextBoolean()) {
                            handle.release();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(120, TimeUnit.SECONDS);
            }
        }
        assertThat(succeeded).isNotEmpty();
        assertThat(failed).isNotEmpty();
        for (Map.Entry<String, byte[]> commit : succeeded.entrySet()) {
            assertThat(io.read(commit.getKey())).isEqualTo(commit.getValue());
        }
        Set<String> logs = Set.copyOf(keys(io.list(TABLE + "/_log")));
        for (String key : failed.keySet()) {
            if (logs.contains(key)) {
                assertThat(LogFileParser.parse(key, io.read(key)).fileMarkers()).as("failed commit %s", key).isEmpty();
            }
        }
        // every log a holder committed was visible to every later holder when it acquired the lease
        Pattern epochInName = Pattern.compile(".*-e([0-9]+)-n[0-9]+\\.jsonl");
        for (String key : realLogs(io)) {
            Matcher matcher = epochInName.matcher(key);
            assertThat(matcher.matches()).isTrue();
            long epoch = Long.parseLong(matcher.group(1));
            realLogsSeenAtAcquire.forEach((laterEpoch, seen) -> {
                if (laterEpoch > epoch) {
                    assertThat(seen).as("logs seen by the holder of epoch %s", laterEpoch).contains(key);
                }
            });
        }
        assertThat(keys(io.list(TABLE + "/"))).allMatch(key -> key.startsWith(TABLE + "/_log/") || key.startsWith(TABLE + "/_icedb/lease/"));
    }

    private static Set<String> realLogs(IcedbFileIo io)
            throws IOException
    {
        Set<String> real = new HashSet<>();
        for (String key : keys(io.list(TablePaths.logPrefix(TABLE)))) {
            if (!LogFileParser.parse(key, io.read(key)).fileMarkers().isEmpty()) {
                real.add(key);
            }
        }
        return real;
    }

    private static Map.Entry<String, byte[]> writeInsertLog(IcedbFileIo io)
            throws IOException
    {
        String key = LogFileName.forWriter(START - 1000, false, "inserter").key(TABLE);
        byte[] bytes = LogFileParser.write(new LogFile(
                START - 1000,
                new Schema(Map.of("id", "BIGINT")),
                List.of(),
                List.of(FileMarker.alive("db/events/_data/a.parquet", 10, START - 1000), FileMarker.alive("db/events/_data/b.parquet", 20, START - 1000))));
        io.createExclusive(key, bytes);
        return Map.entry(key, bytes);
    }

    private static String mergedLogKey(long millis, String host)
    {
        return LogFileName.forWriter(millis, true, host).key(TABLE);
    }

    /**
     * A merge of the insert log's two parts into one.
     */
    private static byte[] mergedLog(long millis)
    {
        String insertKey = LogFileName.forWriter(START - 1000, false, "inserter").key(TABLE);
        return LogFileParser.write(new LogFile(
                millis,
                new Schema(Map.of("id", "BIGINT")),
                List.of(new LogTombstone(insertKey, millis)),
                List.of(
                        FileMarker.alive("db/events/_data/a.parquet", 10, START - 1000).withTombstone(millis),
                        FileMarker.alive("db/events/_data/b.parquet", 20, START - 1000).withTombstone(millis),
                        FileMarker.alive("db/events/_data/merged.parquet", 30, millis))));
    }

    private static List<String> alivePaths(IcedbFileIo io)
            throws IOException
    {
        List<Map.Entry<String, LogFile>> logs = new ArrayList<>();
        for (String key : keys(io.list(TablePaths.logPrefix(TABLE))).stream().sorted(SnapshotReader.KEY_ORDER).toList()) {
            logs.add(Map.entry(key, LogFileParser.parse(key, io.read(key))));
        }
        return SnapshotReader.fold(TABLE, logs).aliveFiles().stream().map(FileMarker::path).toList();
    }

    private static void assertOnlyLogs(IcedbFileIo io, String... logKeys)
            throws IOException
    {
        assertThat(keys(io.list(TABLE + "/_log"))).containsExactlyInAnyOrder(logKeys);
    }

    private static List<String> keys(Collection<FileEntry> entries)
    {
        return entries.stream().map(FileEntry::key).toList();
    }

    private static void await(CountDownLatch latch)
            throws IOException
    {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IOException("test latch timed out");
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void sleep(long millis)
            throws IOException
    {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private interface Interceptor
    {
        void on(String key)
                throws IOException;
    }

    /**
     * Local storage with hooks around creates and failing deletes, to stage stalls, crashes and lost answers.
     */
    private static final class InterceptingFileIo
            extends DelegatingFileIo
    {
        volatile Interceptor beforeCreate = _ -> {};
        volatile Interceptor afterCreate = _ -> {};
        volatile boolean failDeletes;

        InterceptingFileIo(IcedbFileIo delegate)
        {
            super(delegate);
        }

        @Override
        public void createExclusive(String key, byte[] data)
                throws IOException
        {
            beforeCreate.on(key);
            super.createExclusive(key, data);
            afterCreate.on(key);
        }

        @Override
        public void delete(String key)
                throws IOException
        {
            if (failDeletes) {
                throw new IOException("taker crashed before deleting " + key);
            }
            super.delete(key);
        }
    }

    private static final class LaggingClock
            extends Clock
    {
        private final AtomicLong globalMillis;
        private final AtomicLong lagMillis;

        LaggingClock(AtomicLong globalMillis, AtomicLong lagMillis)
        {
            this.globalMillis = globalMillis;
            this.lagMillis = lagMillis;
        }

        @Override
        public ZoneId getZone()
        {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone)
        {
            return this;
        }

        @Override
        public long millis()
        {
            return globalMillis.get() - lagMillis.get();
        }

        @Override
        public Instant instant()
        {
            return Instant.ofEpochMilli(millis());
        }
    }

    private static final class TestingClock
            extends Clock
    {
        private final AtomicLong millis;

        TestingClock(long millis)
        {
            this.millis = new AtomicLong(millis);
        }

        void advance(Duration duration)
        {
            millis.addAndGet(duration.toMillis());
        }

        @Override
        public ZoneId getZone()
        {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone)
        {
            return this;
        }

        @Override
        public long millis()
        {
            return millis.get();
        }

        @Override
        public Instant instant()
        {
            return Instant.ofEpochMilli(millis());
        }
    }
}
