/**
 * Classifier inference worker (filled by the worker issue).
 */
package dev.coilsight.classifier;
