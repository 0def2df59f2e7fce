package dev.coilsight.analytics.grading;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules of one product and the lines that make it ({@code "*"}: any line no other product names).
 *
 * @param stripWidthMm the strip's width, which places the edge zones
 * @param edgeZoneMm how far from either edge the edge zone reaches
 * @param idleEndMs how long its lines may send nothing before a coil has ended (a slow line pauses longer between
 *                  images than a fast one); none: the service's {@code COILSIGHT_COIL_IDLE_END_MS}
 */
public record ProductRules(String product, List<String> lines, Double stripWidthMm, Double edgeZoneMm, Long idleEndMs,
                           List<GradingRule> rules) {

    public ProductRules {
        if (product == null || product.isBlank()) {
            throw new IllegalArgumentException("product: every product needs a name");
        }
        lines = lines == null || lines.isEmpty() ? List.of("*") : List.copyOf(lines);
        rules = rules == null ? List.of() : List.copyOf(rules);
        Set<String> ids = new HashSet<>();
        boolean zoned = false;
        for (GradingRule rule : rules) {
            if (!ids.add(rule.id())) {
                throw new IllegalArgumentException("rules: product '" + product + "' has two rules with id '" + rule.id() + "'");
            }
            zoned |= rule.zone() != Zone.ANY;
        }
        if (zoned && (stripWidthMm == null || edgeZoneMm == null)) {
            throw new IllegalArgumentException("stripWidthMm: product '" + product + "' has zone rules, so it needs stripWidthMm and edgeZoneMm");
        }
        if (idleEndMs != null && idleEndMs <= 0) {
            throw new IllegalArgumentException("idleEndMs: product '" + product + "': the quiet time that ends a coil must be positive, got "
                    + idleEndMs);
        }
        if (stripWidthMm != null && (!(stripWidthMm > 0) || edgeZoneMm == null || !(edgeZoneMm >= 0) || 2 * edgeZoneMm > stripWidthMm)) {
            throw new IllegalArgumentException("edgeZoneMm: product '" + product + "': need 0 <= edgeZoneMm <= stripWidthMm / 2, got "
                    + edgeZoneMm + " of " + stripWidthMm);
        }
    }

    /** How long the product's lines may send nothing before a coil has ended: its own, else {@code otherwise}. */
    public java.time.Duration idleEnd(java.time.Duration otherwise) {
        return idleEndMs == null ? otherwise : java.time.Duration.ofMillis(idleEndMs);
    }

    boolean inZone(GradingRule rule, double acrossStartMm, double acrossEndMm) {
        return rule.zone() == Zone.ANY || rule.zone().contains(acrossStartMm, acrossEndMm, stripWidthMm, edgeZoneMm);
    }
}
