package dev.coilsight.analytics.topology;

import java.util.Map;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * One memory budget for every RocksDB store of the process. Each store and each window segment is a RocksDB instance
 * of its own, with its own block cache and up to three 16 MB memtables by default, all outside the Java heap: a hundred
 * of them under image-sized records could take gigabytes and get the container killed without a Java error. Here they
 * share one block cache that their memtables, indexes and filters are charged to, so the process's RocksDB memory stays
 * near {@link #budget(long)} bytes.
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {

    /** What the memtables may take of the budget; the rest is the block cache. */
    private static final double MEMTABLE_SHARE = 0.5;
    /** What indexes and filters may take of the cache, at high priority, so that reads do not evict them. */
    private static final double INDEX_FILTER_SHARE = 0.1;

    private static long budgetBytes = 256L * 1024 * 1024;
    private static Cache cache;
    private static WriteBufferManager writeBuffers;

    /**
     * Sets the budget. The cache is made once per process, when the first store opens: several coil-analytics instances
     * in one JVM (tests, the demo) share it and the first one's budget.
     */
    public static synchronized void budget(long bytes) {
        if (bytes < 16L * 1024 * 1024) {
            throw new IllegalArgumentException("the RocksDB memory budget must be at least 16 MB, got " + bytes + " bytes");
        }
        budgetBytes = bytes;
    }

    /** The cache every store shares, made on first use. */
    static synchronized Cache sharedCache() {
        if (cache == null) {
            cache = new LRUCache(budgetBytes, -1, false, INDEX_FILTER_SHARE);
            writeBuffers = new WriteBufferManager((long) (budgetBytes * MEMTABLE_SHARE), cache);
        }
        return cache;
    }

    private static synchronized WriteBufferManager sharedWriteBuffers() {
        sharedCache();
        return writeBuffers;
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(sharedCache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(sharedWriteBuffers());
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write-buffer manager are shared by every store of the process: never closed with one of them.
    }
}
