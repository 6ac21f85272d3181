package io.icedb.engine.spec;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class TestLogFileName
{
    @Test
    void testParsePlain()
    {
        assertThat(LogFileName.parse("1795579479198_heldout-py.jsonl"))
                .contains(new LogFileName(1795579479198L, false, "heldout-py"));
    }

    @Test
    void testParseMerged()
    {
        assertThat(LogFileName.parse("1795579479252_m_heldout-py.jsonl"))
                .contains(new LogFileName(1795579479252L, true, "heldout-py"));
    }

    @Test
    void testParseHostsWithUnderscoresAsPythonDoes()
    {
        // fields [123, a, b]: field 1 is not "m", so not merged
        assertThat(LogFileName.parse("123_a_b.jsonl")).contains(new LogFileName(123, false, "a_b"));
        // fields [123, m, x]: merged
        assertThat(LogFileName.parse("123_m_x.jsonl")).contains(new LogFileName(123, true, "x"));
        assertThat(LogFileName.parse("123_m_x_y.jsonl")).contains(new LogFileName(123, true, "x_y"));
        assertThat(LogFileName.parse("123_m_m_x.jsonl")).contains(new LogFileName(123, true, "m_x"));
        // fields [123, m]: only 2 fields, so "m" is the host of an unmerged log
        assertThat(LogFileName.parse("123_m.jsonl")).contains(new LogFileName(123, false, "m"));
        assertThat(LogFileName.parse("123_mm_x.jsonl")).contains(new LogFileName(123, false, "mm_x"));
        // empty hosts parse, as in Python
        assertThat(LogFileName.parse("123_.jsonl")).contains(new LogFileName(123, false, ""));
        assertThat(LogFileName.parse("123_m_.jsonl")).contains(new LogFileName(123, true, ""));
    }

    @Test
    void testParseRejects()
    {
        assertThat(LogFileName.parse("abc_host.jsonl")).isEmpty();
        // Python splits the name with its extension: int("123.jsonl") fails
        assertThat(LogFileName.parse("123.jsonl")).isEmpty();
        assertThat(LogFileName.parse("notes.txt")).isEmpty();
        assertThat(LogFileName.parse("123_host.txt")).isEmpty();
        assertThat(LogFileName.parse("123_host.jsonl.tmp")).isEmpty();
        assertThat(LogFileName.parse("")).isEmpty();
        assertThat(LogFileName.parse(".jsonl")).isEmpty();
        assertThat(LogFileName.parse("_host.jsonl")).isEmpty();
        assertThat(LogFileName.parse("-5_host.jsonl")).isEmpty();
        assertThat(LogFileName.parse("+5_host.jsonl")).isEmpty();
        assertThat(LogFileName.parse("12 3_host.jsonl")).isEmpty();
        assertThat(LogFileName.parse("99999999999999999999_host.jsonl")).isEmpty();
        assertThat(LogFileName.parse("_log/123_host.jsonl")).isEmpty();
    }

    @Test
    void testFileNameRoundTrips()
    {
        for (String name : List.of(
                "1795579479198_heldout-py.jsonl",
                "1795579479252_m_heldout-py.jsonl",
                "123_a_b.jsonl",
                "123_m_x_y.jsonl",
                "123_m.jsonl",
                "123_.jsonl",
                "123_m_.jsonl",
                "0_h\u00e9.jsonl")) {
            Optional<LogFileName> parsed = LogFileName.parse(name);
            assertThat(parsed).isPresent();
            assertThat(parsed.get().fileName()).isEqualTo(name);
        }
        // leading zeros of the timestamp are not kept
        assertThat(LogFileName.parse("0123_h.jsonl").map(LogFileName::fileName)).contains("123_h.jsonl");
    }

    @Test
    void testKey()
    {
        assertThat(new LogFileName(1795579479252L, true, "w1").key("analytics/events")).isEqualTo("analytics/events/_log/1795579479252_m_w1.jsonl");
        assertThat(new LogFileName(1795579479252L, false, "w1").key("")).isEqualTo("_log/1795579479252_w1.jsonl");
    }

    @Test
    void testConstructorRejectsNamesThatWouldNotParseBack()
    {
        assertThatThrownBy(() -> new LogFileName(1, false, "m_x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("m_x");
        assertThatThrownBy(() -> new LogFileName(1, true, "a/b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a/b");
        assertThatThrownBy(() -> new LogFileName(-1, true, "a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void testForWriter()
    {
        LogFileName name = LogFileName.forWriter(1795579479252L, true, "trino-node1.example.com");
        assertThat(name.fileName()).isEqualTo("1795579479252_m_trino-node1.example.com.jsonl");
        assertThat(LogFileName.parse(name.fileName())).contains(name);

        for (String host : List.of("", "a_b", "a/b", "a b", "h\u00e9", "a:b", "x".repeat(201))) {
            assertThatThrownBy(() -> LogFileName.forWriter(1, false, host))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Invalid host for a log file name");
        }
    }

    @Test
    void testUniqueHost()
    {
        Set<String> hosts = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String host = LogFileName.uniqueHost("trino");
            assertThat(host).matches("trino-[0-9a-z]{12}");
            assertThat(LogFileName.parse(LogFileName.forWriter(5, false, host).fileName()))
                    .contains(new LogFileName(5, false, host));
            hosts.add(host);
        }
        assertThat(hosts).hasSize(1000);
        assertThat(LogFileName.uniqueHost("")).matches("[0-9a-z]{12}");
        assertThatThrownBy(() -> LogFileName.uniqueHost("bad_prefix"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad_prefix");
    }

    @Test
    void testNameOrderIsPlainStringOrder()
    {
        List<String> names = new ArrayList<>(List.of(
                "1795579479252_m_heldout-py.jsonl",
                "1795579479252_heldout-py.jsonl",
                "1795579479198_heldout-py.jsonl",
                "1795579479252_a.jsonl",
                "1795579479252_Z.jsonl",
                "999_x.jsonl"));
        names.sort(LogFileName.NAME_ORDER);
        // byte order: '9' > '1', 'Z' < 'a' < 'h' < 'm'; the timestamp is not compared as a number
        assertThat(names).containsExactly(
                "1795579479198_heldout-py.jsonl",
                "1795579479252_Z.jsonl",
                "1795579479252_a.jsonl",
                "1795579479252_heldout-py.jsonl",
                "1795579479252_m_heldout-py.jsonl",
                "999_x.jsonl");
    }

    @Test
    void testNameOrderUsesCodePointsNotUtf16Units()
    {
        // U+1F600 is above U+FFFD in code points (and in UTF-8 bytes) but its first UTF-16 unit (U+D83D) sorts below it
        String emoji = "1_\uD83D\uDE00.jsonl";
        String replacement = "1_\uFFFD.jsonl";
        assertThat(emoji.compareTo(replacement)).isNegative();
        assertThat(LogFileName.NAME_ORDER.compare(emoji, replacement)).isPositive();
        assertThat(LogFileName.NAME_ORDER.compare(replacement, emoji)).isNegative();
        assertThat(LogFileName.NAME_ORDER.compare("1_a.jsonl", "1_a.jsonl")).isZero();
        assertThat(LogFileName.NAME_ORDER.compare("1_a", "1_a.jsonl")).isNegative();
    }
}
