package dev.coilsight.analytics.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class BoundedRocksDbTest {

    @TempDir
    Path dir;

    @Test
    void whatEveryStoreWritesIsChargedToTheOneSharedBudget() throws Exception {
        RocksDB.loadLibrary();
        long before = BoundedRocksDb.sharedCache().getUsage();
        byte[] image = new byte[2 * 1024 * 1024];
        try (Options first = options(); Options second = options();
             RocksDB a = RocksDB.open(first, dir.resolve("a").toString()); RocksDB b = RocksDB.open(second, dir.resolve("b").toString())) {
            a.put("coil-1/img-1".getBytes(), image);
            b.put("coil-2/img-1".getBytes(), image);

            assertThat(BoundedRocksDb.sharedCache().getUsage() - before).as("both stores' memtables, in the one cache")
                    .isGreaterThanOrEqualTo(2L * image.length);
        }
    }

    @Test
    void aBudgetTooSmallForOneMemtableIsRefused() {
        assertThatThrownBy(() -> BoundedRocksDb.budget(1024 * 1024)).hasMessageContaining("at least 16 MB");
    }

    private static Options options() {
        Options options = new Options().setCreateIfMissing(true).setTableFormatConfig(new BlockBasedTableConfig());
        new BoundedRocksDb().setConfig("store", options, Map.of());
        return options;
    }
}
