package io.icedb.engine.spec;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TestTableOwnership
{
    @Test
    void testOwnsItsThreeDirectoriesOnly()
    {
        TableOwnership ownership = TableOwnership.of("c/t17");
        assertThat(ownership.owns("c/t17/_log/1_a.jsonl")).isTrue();
        assertThat(ownership.owns("c/t17/_data/u=a/x.parquet")).isTrue();
        assertThat(ownership.owns("c/t17/_icedb/properties.json")).isTrue();
        assertThat(ownership.ownsPart("c/t17/_data/x.parquet")).isTrue();
        assertThat(ownership.ownsPart("c/t17/_log/1_a.jsonl")).isFalse();
        // another table's part, a sibling with a common name prefix, the table's root, traversal
        assertThat(ownership.owns("c/t16/_data/x.parquet")).isFalse();
        assertThat(ownership.owns("c/t170/_data/x.parquet")).isFalse();
        assertThat(ownership.owns("c/t17/readme.txt")).isFalse();
        assertThat(ownership.owns("c/t17/_data/../../t16/_data/x.parquet")).isFalse();
    }

    @Test
    void testExcludesNestedTables()
    {
        List<String> keys = List.of(
                "nest/_log/1_a.jsonl",
                "nest/_data/x.parquet",
                "nest/_data/inner/_log/2_b.jsonl",
                "nest/_data/inner/_data/y.parquet",
                "nest/_data/inner/deeper/_icedb/table.json",
                "nest/_data/other/_icedb/properties.json");
        TableOwnership ownership = TableOwnership.of("nest", keys);
        assertThat(ownership.nestedTablePrefixes()).containsExactlyInAnyOrder("nest/_data/inner/", "nest/_data/other/");
        assertThat(ownership.owns("nest/_data/x.parquet")).isTrue();
        assertThat(ownership.owns("nest/_log/1_a.jsonl")).isTrue();
        assertThat(ownership.owns("nest/_data/inner/_data/y.parquet")).isFalse();
        assertThat(ownership.owns("nest/_data/inner/deeper/_icedb/table.json")).isFalse();
        assertThat(ownership.ownsPart("nest/_data/other/_icedb/properties.json")).isFalse();
    }

    @Test
    void testTableAtTheBucketRoot()
    {
        TableOwnership ownership = TableOwnership.of("");
        assertThat(ownership.owns("_data/x.parquet")).isTrue();
        assertThat(ownership.owns("other/_data/x.parquet")).isFalse();
    }
}
