/**
 * Publishes camera images to steel.images: HTTP, drop folders and dataset replay (filled by the ingest issue).
 */
package dev.coilsight.ingest;
