/**
 * Per-coil defect statistics with Kafka Streams (filled by the analytics issue).
 */
package dev.coilsight.analytics;
