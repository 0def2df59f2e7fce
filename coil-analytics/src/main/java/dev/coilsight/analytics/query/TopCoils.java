package dev.coilsight.analytics.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import dev.coilsight.schemas.CoilDefectStats;

/**
 * The first {@code limit} coils of one instance's stats store in an order, and how many it holds: one pass
 * over the store keeping at most {@code limit} coils in memory, so that listing the first page of 50,000 coils
 * neither holds nor sends them all.
 */
public final class TopCoils {

    /** One instance's part of the coil list: its coil count and its first coils, in order. */
    public record Part(long total, List<CoilDefectStats> coils) {
        public Part {
            coils = List.copyOf(coils);
        }
    }

    private TopCoils() {
    }

    public static Part of(ReadOnlyKeyValueStore<String, ?> stats, CoilOrder order, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        Comparator<CoilDefectStats> first = order.stats();
        // The head is the coil ranked last of those kept: the one a better coil pushes out.
        PriorityQueue<CoilDefectStats> kept = new PriorityQueue<>(Math.min(limit, 1024) + 1, first.reversed());
        long total = 0;
        try (KeyValueIterator<String, ?> it = stats.all()) {
            while (it.hasNext()) {
                CoilDefectStats coil = (CoilDefectStats) it.next().value;
                total++;
                if (kept.size() < limit) {
                    kept.add(coil);
                } else if (first.compare(coil, kept.peek()) < 0) {
                    kept.poll();
                    kept.add(coil);
                }
            }
        }
        List<CoilDefectStats> coils = new ArrayList<>(kept);
        coils.sort(first);
        return new Part(total, coils);
    }
}
