package dev.coilsight.analytics.query;

import java.util.Comparator;
import java.util.Optional;

import dev.coilsight.schemas.CoilDefectStats;

/** The orders the coil list can be asked for, each ending on the coil id so that every instance ranks alike. */
public enum CoilOrder {
    /** Highest defect rate first, then the most recently seen. */
    DEFECT_RATE("defectRate", Comparator.comparingDouble(Key::defectRate).reversed()
            .thenComparing(Comparator.comparingLong(Key::lastCapturedAtMillis).reversed())),
    /** Most recently seen first. */
    RECENT("recent", Comparator.comparingLong(Key::lastCapturedAtMillis).reversed()),
    /** By coil id. */
    COIL_ID("coilId", (a, b) -> 0);

    /** What the orders compare, read from a store's record or from another instance's JSON answer. */
    public record Key(double defectRate, long lastCapturedAtMillis, String coilId) {
        public static Key of(CoilDefectStats stats) {
            return new Key(stats.getDefectRate(), stats.getLastCapturedAt().toEpochMilli(), stats.getCoilId());
        }
    }

    private final String parameter;
    private final Comparator<Key> keys;

    CoilOrder(String parameter, Comparator<Key> keys) {
        this.parameter = parameter;
        this.keys = keys.thenComparing(Key::coilId);
    }

    /** The value of the {@code sort} parameter that asks for this order. */
    public String parameter() {
        return parameter;
    }

    public Comparator<Key> keys() {
        return keys;
    }

    public Comparator<CoilDefectStats> stats() {
        return Comparator.comparing(Key::of, keys);
    }

    public static Optional<CoilOrder> named(String parameter) {
        for (CoilOrder order : values()) {
            if (order.parameter.equals(parameter)) {
                return Optional.of(order);
            }
        }
        return Optional.empty();
    }
}
