/**
 * The embedded default behind {@code ./coilsight demo}: a Kafka broker in-process, an Apicurio registry
 * child JVM, and ingest, classifier, segmenter and coil-analytics in one JVM, fed by a replay of real images.
 */
package dev.coilsight.devstack;
