/**
 * The embedded single-command stack (filled by the demo issue).
 */
package dev.coilsight.devstack;
