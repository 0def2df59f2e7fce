/**
 * Segmenter inference worker (filled by the worker issue).
 */
package dev.coilsight.segmenter;
